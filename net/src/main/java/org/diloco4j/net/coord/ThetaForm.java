package org.diloco4j.net.coord;

import org.diloco4j.core.params.Fp32Storage;
import org.diloco4j.core.params.Fp32Vector;

/**
 * The form the network coordinator holds θ in: one array up to 2^29 values, chunks of
 * 2^{@link Fp32Vector#DEFAULT_SHIFT} past it. Past 2^29, θ in one array runs the Delayed Nesterov
 * int8 kernel's slower loops (DelayedNesterov: its fast loop addresses θ with an int offset below
 * 2^29; 46 % of a 1B θ is past it). Below it, one array: the 100M benchmark with pulls on every
 * order measured θ in two chunks at 4.8 CPU-s per GB in the ingest pool in three of four runs against
 * 1.3 on one array (docs/bench/chunked-theta.md), so chunks are used only where they avoid the far loops.
 * A restore reads θ as the checkpoint reader already holds it ({@link #readShift}): one array up to
 * 2^31 − 9 values.
 */
public final class ThetaForm {
    /** Past this many values θ is held in chunks. */
    public static final long ONE_ARRAY_MAX = 1L << 29;

    private ThetaForm() {
    }

    /** {@link #of(float[], long)} at {@link #ONE_ARRAY_MAX}. */
    public static Fp32Vector of(float[] theta0) {
        return of(theta0, ONE_ARRAY_MAX);
    }

    /**
     * θ₀ for the coordinator to adopt: at most {@code oneArrayMax} values adopted as they are (no
     * copy); more copied into chunks of 2^26, the array then dropped by the caller before the
     * coordinator allocates its optimizer state, so the copy's moment holds 2 × θ, below the run's
     * own θ plus optimizer buffers (3 × θ with Delayed Nesterov): it does not raise the peak.
     */
    static Fp32Vector of(float[] theta0, long oneArrayMax) {
        return theta0.length <= oneArrayMax ? Fp32Vector.wrap(theta0) : Fp32Vector.copyOf(theta0, Fp32Vector.DEFAULT_SHIFT);
    }

    /**
     * The chunks a checkpoint's θ of {@code size} values (and the optimizers' buffers) are read into:
     * one array ({@link Fp32Vector#ONE_ARRAY_SHIFT}) whenever one array holds it — even past
     * {@link #ONE_ARRAY_MAX}, where a resumed run then takes the kernel's slower loops — because the checksum pass has already read every such tensor into one array
     * ({@code core/io/ReadAhead}); chunks of it would be a second copy, and at 1B the read ran out of
     * heap (docs/bench/coordinator-1b.md, run 7). Past one array's reach, chunks.
     */
    static int readShift(long size) {
        return size <= Fp32Storage.MAX_VALUES ? Fp32Vector.ONE_ARRAY_SHIFT : Fp32Vector.DEFAULT_SHIFT;
    }

    /**
     * The final θ as one array (the model samples from it and saves it): the coordinator's own when
     * it is one, else a copy, which holds θ twice for a moment, after the runtime closed and dropped
     * the optimizers' buffers (each as large).
     */
    public static float[] array(Fp32Vector theta) {
        return theta.chunkCount() == 1 ? theta.chunk(0) : theta.toArray();
    }
}
