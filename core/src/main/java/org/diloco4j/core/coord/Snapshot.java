package org.diloco4j.core.coord;

/**
 * θ (or one fragment of it) at a version, shared by every command that sends it. {@code values} is
 * null for phantom (timing-only) runs; {@code size} is always the number of floats. Holders must
 * not modify {@code values}.
 *
 * <p>Usually {@code values} is a copy. A {@code live} snapshot's values are θ itself, not a copy
 * (see {@link Coordinator#shareTheta()}): they hold θ at {@code version} only until the driver hands
 * the coordinator its next event, so a driver must encode or copy them before then.
 */
public record Snapshot(long version, int fragment, int size, float[] values, boolean live) {
    /** A snapshot whose values are a copy of θ (or null: phantom). */
    public Snapshot(long version, int fragment, int size, float[] values) {
        this(version, fragment, size, values, false);
    }

    public boolean phantom() {
        return values == null;
    }
}
