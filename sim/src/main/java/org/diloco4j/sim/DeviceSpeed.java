package org.diloco4j.sim;

/**
 * A device as the simulator times it: the FLOP/s it sustains while training and the memory it has.
 * A model's step time follows from it ({@link #secondsPerStep}); a fixed seconds per step
 * ({@link DeviceProfile#of(double)}) remains the override.
 *
 * @param sustainedFlops FLOP/s the device keeps up while training (a peak times a utilization, or a measurement)
 * @param memoryBytes    device memory in bytes; NaN when unknown (nothing is checked)
 */
public record DeviceSpeed(double sustainedFlops, double memoryBytes) {
    public DeviceSpeed {
        if (!(sustainedFlops > 0) || Double.isInfinite(sustainedFlops)) {
            throw new IllegalArgumentException("flops = " + sustainedFlops + ": must be a positive number of FLOP/s");
        }
        if (!Double.isNaN(memoryBytes) && !(memoryBytes > 0 && Double.isFinite(memoryBytes))) {
            throw new IllegalArgumentException("memory = " + memoryBytes + " bytes: must be a positive number");
        }
    }

    /** Seconds one inner step of {@code batch} windows of {@code model} takes: its FLOPs over the sustained FLOP/s. */
    public double secondsPerStep(ModelShape model, int batch) {
        return model.flopsPerStep(batch) / sustainedFlops;
    }

    /** Whether the device's memory holds {@code model}'s training state (true when the memory is unknown). */
    public boolean holds(ModelShape model) {
        return Double.isNaN(memoryBytes) || model.trainingStateBytes() <= memoryBytes;
    }

    /** Throws, saying what {@code device} needs and has, unless its memory {@link #holds} {@code model}. */
    public void requireHolds(ModelShape model, String device) {
        if (holds(model)) return;
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                "%s has %s GB of memory; training %,d parameters needs at least %s GB (%d bytes per parameter: fp32 θ, its gradient"
                        + " and AdamW's two moments, before activations): choose a device with more memory or a smaller model",
                device, gb(memoryBytes), model.params(), gb(model.trainingStateBytes()), ModelShape.TRAINING_BYTES_PER_PARAM));
    }

    private static String gb(double bytes) {
        double g = bytes / 1e9;
        return g >= 10 ? String.format(java.util.Locale.ROOT, "%.0f", g) : String.format(java.util.Locale.ROOT, "%.3g", g);
    }
}
