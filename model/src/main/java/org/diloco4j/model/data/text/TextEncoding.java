package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.Locale;

/**
 * How the bytes of a text corpus become text (the app's {@code data.encoding}).
 *
 * <p>{@link Detect} ({@code auto}, the default) reads each file as UTF-8 when it is valid UTF-8, and
 * otherwise as windows-1252 (or, for the five bytes windows-1252 leaves undefined, iso-8859-1): an
 * ISO-8859-1 download (Project Gutenberg's Latin-1 texts) or a Windows text file then trains as it
 * would after {@code iconv -t UTF-8}. A file that is mostly valid UTF-8 with a few broken sequences
 * is not guessed at; see {@link TextDecoder}. {@link Fixed} reads every file with one charset and
 * refuses bytes that are invalid in it.
 */
public sealed interface TextEncoding permits TextEncoding.Detect, TextEncoding.Fixed {
    TextEncoding AUTO = new Detect();

    /** What the user writes for it; {@link #parse} of it gives this encoding back. */
    String label();

    /** UTF-8, else windows-1252 or iso-8859-1, per file. */
    record Detect() implements TextEncoding {
        @Override
        public String label() {
            return "auto";
        }
    }

    /** One charset for every file. */
    record Fixed(Charset charset) implements TextEncoding {
        @Override
        public String label() {
            return charset.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The accepted values, for messages and the config listing. */
    String FORMS = "auto, utf-8, windows-1252 (cp1252), iso-8859-1 (latin-1), or another charset Java knows"
            + " (e.g. utf-16, iso-8859-15, shift_jis)";

    /** {@code auto} or a charset name, case-insensitive ({@code latin-1}, {@code cp1252}, {@code UTF8}, ...). */
    static TextEncoding parse(String name) {
        String s = name.strip().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) return AUTO;
        // Spellings Python and HTML use that Java does not know.
        String java = switch (s) {
            case "latin-1", "latin_1" -> "iso-8859-1";
            case "cp-1252", "win-1252" -> "windows-1252";
            default -> s;
        };
        try {
            if (!java.isEmpty() && Charset.isSupported(java)) return new Fixed(Charset.forName(java));
        } catch (IllegalCharsetNameException e) {
            // falls through to the message below: the name is not one Java could know
        }
        throw new DataException("unknown text encoding '" + name + "': use " + FORMS);
    }
}
