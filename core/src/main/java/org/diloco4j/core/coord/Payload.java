package org.diloco4j.core.coord;

import org.diloco4j.core.ingest.EncodedSource;

/**
 * An encoded vector as it crosses the network. {@link Bytes} is real data in one array (the
 * simulator's); {@link Encoded} is real data read by position (the networked coordinator's
 * uploads, in memory or spooled to disk, decoded block by block); {@link Phantom} only
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

    record Encoded(String codec, EncodedSource source) implements Payload {
        @Override
        public long size() {
            return source.size();
        }
    }

    record Phantom(String codec, long size) implements Payload {
    }
}
