package org.diloco4j.core.optim;

/** Serialized optimizer state that is truncated, corrupted, of another format version, or otherwise malformed. */
public final class StateFormatException extends RuntimeException {
    public StateFormatException(String message) {
        super(message);
    }
}
