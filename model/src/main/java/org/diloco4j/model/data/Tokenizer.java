package org.diloco4j.model.data;

/** Text to token ids and back. */
public interface Tokenizer {
    /** Stable name used in configs and cache keys, e.g. {@code bytes} or {@code gpt2}. */
    String name();

    int vocabSize();

    int[] encode(String text);

    String decode(int[] tokens);
}
