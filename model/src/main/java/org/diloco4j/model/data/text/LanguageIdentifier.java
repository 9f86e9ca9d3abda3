package org.diloco4j.model.data.text;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A small deterministic language identifier, good enough to group Europarl documents by language:
 * script decides Greek ({@code el}) and Cyrillic ({@code bg}, or {@code ru}/{@code uk} when over 1%
 * of the Cyrillic letters are their own lower-case letters); Latin-script text is scored against
 * {@link LanguageProfiles} (function words, weighted 1/number-of-languages-sharing-the-word, plus
 * distinctive letters at half weight).
 * Returns ISO 639-1 codes, or {@link #UNDETERMINED} when there is no evidence (e.g. "." or a name).
 */
public final class LanguageIdentifier {
    /** Part of cache keys: bump whenever profiles or scoring change, since groups are cached with tokens. */
    public static final int VERSION = 2;
    public static final String UNDETERMINED = "und";
    private static final double LETTER_WEIGHT = 0.5;
    /** Enough text to decide; bounds the cost on long documents. */
    static final int MAX_CHARS = 8192;

    private final List<String> languages;
    private final Map<String, List<Weighted>> words = new HashMap<>();
    /** Indexed by lower-case char; all distinctive letters lie below U+0250 (Latin Extended-B). */
    private final Weighted[][] letters = new Weighted[0x250][];

    private record Weighted(int language, double weight) {
    }

    public LanguageIdentifier() {
        TreeSet<String> langs = new TreeSet<>(LanguageProfiles.WORDS.keySet());
        languages = List.copyOf(langs);
        Map<String, List<Integer>> owners = new HashMap<>();
        for (int l = 0; l < languages.size(); l++) {
            for (String w : LanguageProfiles.WORDS.get(languages.get(l)).split(" ")) {
                List<Integer> o = owners.computeIfAbsent(w, k -> new java.util.ArrayList<>());
                if (!o.contains(l)) o.add(l);
            }
        }
        owners.forEach((w, o) -> words.put(w, o.stream().map(l -> new Weighted(l, 1.0 / o.size())).toList()));
        LanguageProfiles.LETTERS.forEach((c, codes) -> {
            String[] cs = codes.split(" ");
            letters[c] = java.util.Arrays.stream(cs)
                    .map(code -> new Weighted(languages.indexOf(code), LETTER_WEIGHT / cs.length)).toArray(Weighted[]::new);
        });
    }

    /** The languages this identifier can return for Latin-script text, sorted. */
    public List<String> latinLanguages() {
        return languages;
    }

    /** Identifies the language of (at most the first {@value #MAX_CHARS} characters of) {@code text}. */
    public String identify(CharSequence text) {
        CharSequence head = text.length() > MAX_CHARS ? text.subSequence(0, MAX_CHARS) : text;
        int greek = 0;
        int cyrillic = 0;
        int latin = 0;
        int ru = 0;
        int uk = 0;
        for (int i = 0; i < head.length(); ) {
            int cp = Character.codePointAt(head, i);
            i += Character.charCount(cp);
            if (!Character.isLetter(cp)) continue;
            if (cp < 0x250) {
                latin++;
                continue;
            }
            switch (Character.UnicodeScript.of(cp)) {
                case GREEK -> greek++;
                case CYRILLIC -> {
                    cyrillic++;
                    if (cp == 'ы' || cp == 'э' || cp == 'ё') ru++;
                    if (cp == 'і' || cp == 'ї' || cp == 'є') uk++;
                }
                default -> latin++;
            }
        }
        int letters = greek + cyrillic + latin;
        if (letters == 0) return UNDETERMINED;
        if (2 * greek > letters) return "el";
        // Bulgarian has none of these letters. Only lower case counts: a Cyrillic "І" is often a Roman numeral.
        if (2 * cyrillic > letters) return 100 * uk > cyrillic ? "uk" : 100 * ru > cyrillic ? "ru" : "bg";
        return scoreLatin(head.toString().toLowerCase(Locale.ROOT));
    }

    private String scoreLatin(String lower) {
        double[] score = new double[languages.size()];
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            boolean letter = i < lower.length() && Character.isLetter(lower.charAt(i));
            if (letter) {
                if (start < 0) start = i;
                char c = lower.charAt(i);
                if (c < letters.length && letters[c] != null) for (Weighted w : letters[c]) score[w.language] += w.weight;
            } else if (start >= 0) {
                List<Weighted> ws = words.get(lower.substring(start, i));
                if (ws != null) for (Weighted w : ws) score[w.language] += w.weight;
                start = -1;
            }
        }
        int best = -1;
        for (int l = 0; l < score.length; l++) {
            if (score[l] > 0 && (best < 0 || score[l] > score[best])) best = l;
        }
        return best < 0 ? UNDETERMINED : languages.get(best);
    }
}
