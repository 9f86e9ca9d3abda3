package org.diloco4j.model.data;

/**
 * Text to token ids and back. {@link #encode} never emits {@link #endOfText()}: the corpus inserts it
 * after every document, so documents concatenated into one stream stay separable. Implementations
 * must be thread-safe: the token cache encodes documents in parallel.
 */
public interface Tokenizer {
    /** Stable name used in configs and cache keys, e.g. {@code bytes} or {@code gpt2}. */
    String name();

    int vocabSize();

    /** Id that ends a document; never produced by {@link #encode}. */
    int endOfText();

    int[] encode(String text);

    /** Inverse of {@link #encode} for encoded text; renders {@link #endOfText()} as {@code <|endoftext|>}. */
    String decode(int[] tokens);
}
