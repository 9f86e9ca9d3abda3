package org.diloco4j.model.data.token;

import org.diloco4j.model.data.DataException;

import java.util.List;
import java.util.Locale;

/** Tokenizers by config name. */
public final class Tokenizers {
    /** Names accepted by {@link #byName}. */
    public static final List<String> NAMES = List.of(ByteTokenizer.NAME, Gpt2Tokenizer.NAME);

    private Tokenizers() {
    }

    /** {@code bytes} (default, vocab 256) or {@code gpt2} (alias {@code r50k_base}, vocab 50,257). */
    public static Tokenizer byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "bytes", "byte" -> new ByteTokenizer();
            case "gpt2", "r50k_base" -> new Gpt2Tokenizer();
            default -> throw new DataException("unknown tokenizer '" + name + "': expected one of " + NAMES);
        };
    }
}
