package org.diloco4j.core.coord;

/**
 * An immutable copy of θ (or of one fragment of it) at a version, shared by every command that
 * sends it. {@code values} is null for phantom (timing-only) runs; {@code size} is always the
 * number of floats. Holders must not modify {@code values}.
 */
public record Snapshot(long version, int fragment, int size, float[] values) {
    public boolean phantom() {
        return values == null;
    }
}
