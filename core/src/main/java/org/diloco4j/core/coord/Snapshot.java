package org.diloco4j.core.coord;

/**
 * θ (or one fragment of it) at a version, shared by every command that sends it. {@code values} is
 * null for phantom (timing-only) runs; {@code size} is always the number of floats (a long: a phantom
 * θ only counts, and may be larger than one {@code float[]} holds). Holders must
 * not modify {@code values}.
 *
 * <p>Usually {@code values} is a copy. After {@link Coordinator#shareTheta()} the values of a whole-θ
 * snapshot are θ itself: they hold θ at {@code version} only until the driver hands the coordinator
 * its next event, so that driver must encode or copy them before then.
 */
public record Snapshot(long version, int fragment, long size, float[] values) {
    public boolean phantom() {
        return values == null;
    }
}
