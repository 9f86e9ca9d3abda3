package org.diloco4j.model.data.text;

import java.util.Map;

/**
 * Evidence for the Latin-script languages of the European Parliament: frequent function words (and a
 * few words of parliamentary address) per language, and letters that only a few of them use. Words
 * shared by several lists count for each of them with a split weight, so "de" says little and "het"
 * says Dutch. Hand-written from general knowledge of the languages, not fitted to any corpus.
 */
final class LanguageProfiles {
    private LanguageProfiles() {
    }

    static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("cs", "a se že je na v to o jsou jako také které který která není jsme pro podle by bylo této"
                    + " tento tato jeho před mezi proto však již musí byl jen nebo pouze můžeme bude být tak ale jak"
                    + " jsem tom bych při zprávy evropské unie komise pane"),
            Map.entry("da", "og er af ikke også være et meget skal jeg det til som vi har med den kan der om men fra"
                    + " blev disse eller hvor efter denne at de på en for vil kommissionen hr formand deres mere skulle"),
            Map.entry("de", "der die und das ist nicht ich wir den zu von mit sich auch des dem ein eine auf für werden"
                    + " sie es im wird daß dass sind wie haben herr präsident kommission bei aber noch nur oder diese"
                    + " dieser können sehr"),
            Map.entry("en", "the of and to is that in for this we it on be are not have which has with as will by an"
                    + " would there their should been mr president commission also but very what all must can these"),
            Map.entry("es", "el los las del y que por para con una es se lo como más pero este esta sobre también señor"
                    + " señora al ha muy han sus de la en no un presidente comisión ser su puede entre todos esto"),
            Map.entry("et", "ja on et ei see ka kui mis selle oma ning aga seda kes või mida nii peab kuid samuti ole"
                    + " kõik selles meie oleks mitte ainult euroopa liidu komisjoni lugupeetud juhataja oli peaks"
                    + " tuleb need sest ta väga"),
            Map.entry("fi", "ja on että ei se myös ovat tämä olla mutta kuin tai joka sen jotka mukaan niin hyvin tämän"
                    + " siitä ole komissio meidän kanssa voi euroopan komission arvoisa puhemies unionin"
                    + " jäsenvaltioiden kaikki mitä vain nyt oli joten kun jos hän"),
            Map.entry("fr", "le la les de et des est que nous pour une dans pas qui du en au sur ce il je vous ne plus"
                    + " être cette aussi monsieur aux sont un à président commission ont mais été entre ces leur tout"),
            Map.entry("hu", "a az és hogy nem is egy ez meg van kell csak azt mint még vagy már ezt által lesz valamint"
                    + " amely hanem azonban ami pedig kapcsolatban európai elnök úr bizottság unió mert között minden"
                    + " nagyon amit"),
            Map.entry("it", "il di che per non della una sono questo anche gli del nel alla dei delle più ci come essere"
                    + " signor questa nella ha alle e la è un in presidente commissione ma molto tutti stato sul"),
            Map.entry("lt", "ir kad yra į su tai bet ne iš kaip taip dėl buvo mes būtų jau tik apie už kuris šiuo labai"
                    + " turi kurie kuri bus europos sąjungos komisija pone pirmininke reikia šios šio"),
            Map.entry("lv", "un ir ka par uz ar no kas tas lai arī bet šo jo vai tā mēs es šajā tikai ļoti būtu jau"
                    + " tāpēc kā eiropas savienības komisija priekšsēdētāja kungs to tās jābūt"),
            Map.entry("nl", "de het een van en is dat niet ik wij voor op zijn met te die er ook aan om dit worden deze"
                    + " wordt naar hebben voorzitter commissie we maar door bij nog heeft al zou"),
            Map.entry("pl", "w i na nie z że się do jest to jak oraz które przez dla są być tym ale również tego czy"
                    + " który ich jednak bardzo tak także pani panie przewodniczący komisja europejskiej unii"),
            Map.entry("pt", "o os do da dos das em para com uma não por mais como ao pelo na no é também senhor ser pela"
                    + " foi são nos e a de que presidente comissão um se sua muito"),
            Map.entry("ro", "și de în la că să este pe care cu din nu un mai pentru sunt au ce acest această domnule"
                    + " fost sau dar trebuie ar o europene comisia uniunii doamnă președinte"),
            Map.entry("sk", "a sa že je na v to o sú ako aj ktoré ktorý ktorá nie sme pre podľa by bolo tejto tento"
                    + " táto jeho pred medzi preto však už musí bol len alebo som pán komisie únie európskej"),
            Map.entry("sl", "in je da na za se so tudi ki pa ne bi to kot ali lahko smo tem ter zelo saj bo naj"
                    + " vendar v z gospod predsednik komisija evropske unije sem"),
            Map.entry("sv", "och att det är en för av på inte jag vi som har med den de ett kan ska skall också vara om"
                    + " men från mycket eller detta till herr talman kommissionen måste"));

    /** Letters used by only one or a few of the languages above (lower case). */
    static final Map<Character, String> LETTERS = Map.ofEntries(
            Map.entry('ř', "cs"), Map.entry('ů', "cs"), Map.entry('ě', "cs"),
            Map.entry('ľ', "sk"), Map.entry('ĺ', "sk"), Map.entry('ŕ', "sk"), Map.entry('ô', "sk fr"),
            Map.entry('ä', "de sv fi et sk"), Map.entry('ö', "de sv fi et hu"), Map.entry('ü', "de et hu"),
            Map.entry('ß', "de"), Map.entry('ő', "hu"), Map.entry('ű', "hu"),
            Map.entry('ł', "pl"), Map.entry('ą', "pl lt"), Map.entry('ę', "pl lt"), Map.entry('ś', "pl"),
            Map.entry('ź', "pl"), Map.entry('ż', "pl"), Map.entry('ć', "pl"), Map.entry('ń', "pl"),
            Map.entry('ė', "lt"), Map.entry('į', "lt"), Map.entry('ų', "lt"),
            Map.entry('ā', "lv"), Map.entry('ē', "lv"), Map.entry('ī', "lv"), Map.entry('ķ', "lv"),
            Map.entry('ļ', "lv"), Map.entry('ņ', "lv"), Map.entry('ģ', "lv"), Map.entry('õ', "et pt"),
            Map.entry('ă', "ro"), Map.entry('ș', "ro"), Map.entry('ț', "ro"), Map.entry('ş', "ro"), Map.entry('ţ', "ro"),
            Map.entry('ñ', "es"), Map.entry('ã', "pt"), Map.entry('æ', "da"), Map.entry('ø', "da"),
            Map.entry('å', "da sv"), Map.entry('ç', "fr pt"), Map.entry('è', "fr it"), Map.entry('ê', "fr pt"),
            Map.entry('î', "fr ro"), Map.entry('û', "fr"), Map.entry('ë', "fr nl"), Map.entry('ï', "fr nl"));
}
