package org.diloco4j.sim;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.coord.Snapshot;

/**
 * θ on its way down to the workers: its size on the wire under the downlink codec, and the values
 * a worker decodes from it. Holds a memo of the last snapshot decoded through a lossy codec, so
 * that the workers receiving the same θ decode it once; the memo is not simulation state (a
 * resumed run decodes again).
 */
final class Downlink {
    private final Codec codec;
    private final long size;
    private Snapshot lastSnapshot;
    private float[] lastReceived;

    /** @param size |θ| */
    Downlink(Codec codec, long size) {
        this.codec = codec;
        this.size = size;
    }

    /** Bytes of the whole θ on the wire. */
    long thetaBytes() {
        return codec.encodedSize(size);
    }

    /** Bytes of {@code n} values of θ (a fragment) on the wire. */
    long bytes(long n) {
        return codec.encodedSize(n);
    }

    /** θ as the worker decodes it: the snapshot itself unless it travels through a lossy codec; null for a phantom run. */
    float[] received(Snapshot snap) {
        if (snap.phantom()) return null;
        if (codec.name().equals("fp32")) return snap.values();
        if (snap != lastSnapshot) {
            lastSnapshot = snap;
            lastReceived = codec.decode(codec.encode(snap.values()), snap.values().length);
        }
        return lastReceived;
    }
}
