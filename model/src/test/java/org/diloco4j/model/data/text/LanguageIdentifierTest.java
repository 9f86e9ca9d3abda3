package org.diloco4j.model.data.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LanguageIdentifierTest {
    private final LanguageIdentifier id = new LanguageIdentifier();

    /** Everyday sentences, not parliamentary text, so the test does not just echo the word lists. */
    private static final Map<String, String> SENTENCES = Map.ofEntries(
            Map.entry("en", "The weather was fine, so we walked to the market and bought bread for the children."),
            Map.entry("de", "Das Wetter war schön, also sind wir zum Markt gegangen und haben Brot für die Kinder gekauft."),
            Map.entry("fr", "Il faisait beau, alors nous sommes allés au marché et nous avons acheté du pain pour les enfants."),
            Map.entry("es", "Hacía buen tiempo, así que fuimos al mercado y compramos pan para los niños."),
            Map.entry("it", "Il tempo era bello, così siamo andati al mercato e abbiamo comprato il pane per i bambini."),
            Map.entry("pt", "O tempo estava bom, por isso fomos ao mercado e comprámos pão para as crianças."),
            Map.entry("nl", "Het weer was mooi, dus zijn we naar de markt gelopen en hebben we brood voor de kinderen gekocht."),
            Map.entry("sv", "Vädret var fint, så vi gick till torget och köpte bröd till barnen."),
            Map.entry("da", "Vejret var godt, så vi gik til torvet og købte brød til børnene."),
            Map.entry("fi", "Sää oli hyvä, joten kävelimme torille ja ostimme leipää lapsille."),
            Map.entry("et", "Ilm oli ilus, nii et me jalutasime turule ja ostsime lastele leiba."),
            Map.entry("hu", "Szép idő volt, ezért elsétáltunk a piacra, és kenyeret vettünk a gyerekeknek."),
            Map.entry("pl", "Pogoda była ładna, więc poszliśmy na targ i kupiliśmy chleb dla dzieci."),
            Map.entry("cs", "Počasí bylo hezké, a tak jsme šli na trh a koupili jsme dětem chléb."),
            Map.entry("sk", "Počasie bolo pekné, a tak sme išli na trh a kúpili sme deťom chlieb."),
            Map.entry("sl", "Vreme je bilo lepo, zato smo šli na tržnico in otrokom kupili kruh."),
            Map.entry("lt", "Oras buvo gražus, todėl nuėjome į turgų ir nupirkome vaikams duonos."),
            Map.entry("lv", "Laiks bija jauks, tāpēc mēs aizgājām uz tirgu un nopirkām bērniem maizi."),
            Map.entry("ro", "Vremea a fost frumoasă, așa că am mers la piață și am cumpărat pâine pentru copii."),
            Map.entry("el", "Ο καιρός ήταν ωραίος, οπότε πήγαμε στην αγορά και αγοράσαμε ψωμί για τα παιδιά."),
            Map.entry("bg", "Времето беше хубаво, затова отидохме на пазара и купихме хляб за децата."));

    @Test
    void identifiesEverydaySentencesInEachLanguage() {
        SENTENCES.forEach((lang, text) -> assertThat(id.identify(text)).as(text).isEqualTo(lang));
    }

    @Test
    void scriptDecidesGreekAndCyrillicEvenWithLatinNamesMixedIn() {
        assertThat(id.identify("Ο κ. Barroso και η Επιτροπή (COM(2008) 0123) συμφωνούν με τον Schulz.")).isEqualTo("el");
        assertThat(id.identify("Съгласно Приложение І и Приложение ІІ към регламента")).isEqualTo("bg");
        assertThat(id.identify("Мы считаем, что это было бы неэффективно.")).isEqualTo("ru");
        assertThat(id.identify("Ми вважаємо, що це було б неефективно і дорого.")).isEqualTo("uk");
    }

    @Test
    void noEvidenceIsUndetermined() {
        assertThat(id.identify(".")).isEqualTo(LanguageIdentifier.UNDETERMINED);
        assertThat(id.identify("2004-03-30 (1) 12.45")).isEqualTo(LanguageIdentifier.UNDETERMINED);
        assertThat(id.identify("")).isEqualTo(LanguageIdentifier.UNDETERMINED);
    }

    @Test
    void deterministicAndBoundedOnLongText() {
        String longText = SENTENCES.get("de").repeat(2000);
        assertThat(id.identify(longText)).isEqualTo("de");
        assertThat(new LanguageIdentifier().identify(SENTENCES.get("sk"))).isEqualTo(id.identify(SENTENCES.get("sk")));
    }
}
