package org.diloco4j.core.coord;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.diloco4j.core.params.Fp32Vector;

/**
 * θ (or one fragment of it) at a version, shared by every command that sends it. {@code values} is
 * null for phantom (timing-only) runs; {@code size} is always the number of floats (a long: a phantom
 * θ only counts, and may be larger than one {@code float[]} holds). Holders must
 * not modify {@code values}.
 *
 * <p>Usually {@code values} is a copy. After {@link Coordinator#shareTheta()} a whole-θ snapshot is
 * θ itself: {@code shared} is θ in its chunks ({@link Fp32Vector}), and {@code values} is θ's one
 * array if it is one, else null (a chunked θ is not one array). Either holds θ at {@code version}
 * only until the driver hands the coordinator its next event, so that driver must encode or copy
 * them before then. {@code shared} is never in a checkpoint (only the network runtime shares θ, and
 * it does not save commands): it is left out of the JSON when null, as it always is there.
 */
public record Snapshot(long version, int fragment, long size, float[] values, @JsonInclude(JsonInclude.Include.NON_NULL) Fp32Vector shared) {
    /** A snapshot holding its own values (a copy, or a fragment's gather); null values: phantom. */
    public Snapshot(long version, int fragment, long size, float[] values) {
        this(version, fragment, size, values, null);
    }

    public boolean phantom() {
        return values == null && shared == null;
    }

    /** The values in any form: θ itself in its chunks if shared, else the snapshot's own array; null if phantom. */
    public Fp32Vector vector() {
        return shared != null ? shared : values == null ? null : Fp32Vector.wrap(values);
    }
}
