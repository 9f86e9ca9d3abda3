package org.diloco4j.model.data.token;

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

    /**
     * UTF-8 bytes of text that {@code token} stands for: what bits per byte divide by. The
     * end-of-text separator counts as one byte (it is one byte, 0xFF, in the byte tokenizer; in
     * every tokenizer it stands for a document boundary, not for text).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    int byteLength(int token);
}
