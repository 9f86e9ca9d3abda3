package org.diloco4j.core.coord;

/**
 * An encoded vector as it crosses the network. {@link Bytes} is real data; {@link Phantom} only
 * knows its size, for timing-only simulations of models too large to hold (e.g. a 1B-parameter
 * profile), where no arithmetic is done.
 */
public sealed interface Payload {
    /** Encoded length in bytes: what is counted as sent. */
    long size();

    /** Codec spec that produced it, e.g. {@code int8}. */
    String codec();

    record Bytes(String codec, byte[] data) implements Payload {
        @Override
        public long size() {
            return data.length;
        }
    }

    record Phantom(String codec, long size) implements Payload {
    }
}
