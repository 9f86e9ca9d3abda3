package org.diloco4j.app.distributed;

import org.diloco4j.core.params.Fp32Vector;

/**
 * θ between the model, which draws θ₀ and samples from θ as one {@code float[]}, and the network
 * coordinator, which holds θ in chunks of 2^{@link Fp32Vector#DEFAULT_SHIFT} values: its outer
 * step's fast loops address θ with int offsets below 2^29 (DelayedNesterov), so a θ in one array
 * past that (46 % of a 1B model) would run the slower ones.
 */
final class ChunkedTheta {
    private ChunkedTheta() {
    }

    /**
     * θ₀ for the coordinator to adopt. A model of at most one chunk is adopted as it is (one array
     * either way; a copy would gain nothing). A larger one is copied into chunks and the array
     * dropped by the caller before the coordinator allocates its optimizer state, so the copy's
     * moment holds 2 × θ, below the run's own θ plus optimizer buffers (3 × θ with Delayed Nesterov):
     * it does not raise the peak.
     */
    static Fp32Vector of(float[] theta0) {
        return theta0.length <= 1 << Fp32Vector.DEFAULT_SHIFT ? Fp32Vector.wrap(theta0) : Fp32Vector.copyOf(theta0, Fp32Vector.DEFAULT_SHIFT);
    }

    /**
     * The final θ as one array: the coordinator's own when it is one, else a copy. The copy holds θ
     * twice for a moment, after the runtime closed and dropped the optimizers' buffers (each as large).
     */
    static float[] array(Fp32Vector theta) {
        return theta.chunkCount() == 1 ? theta.chunk(0) : theta.toArray();
    }
}
