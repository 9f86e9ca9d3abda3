package org.diloco4j.model.data;

/**
 * Bad data input: a missing or empty corpus, text that is not UTF-8, a split or shard too small for
 * one batch, a bad shard count. The message names the path or value and what was expected.
 * It is an {@link IllegalArgumentException} so callers that validate configs catch both alike.
 */
public final class DataException extends IllegalArgumentException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
