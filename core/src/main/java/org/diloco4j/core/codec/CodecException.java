package org.diloco4j.core.codec;

/** Bytes that do not decode: wrong codec, truncated, corrupted or inconsistent with the expected length. */
public final class CodecException extends RuntimeException {
    public CodecException(String message) {
        super(message);
    }
}
