package org.diloco4j.sim;

/**
 * A device as the simulator times it: the FLOP/s it sustains while training and the memory it has.
 * A model's step time follows from it ({@link #secondsPerStep}); a fixed seconds per step
 * ({@link DeviceProfile#of(double)}) remains the override.
 *
 * @param sustainedFlops FLOP/s the device keeps up while training (a peak times a utilization, or a measurement)
 * @param memoryBytes    device memory in bytes; NaN when unknown (nothing is checked): whether a model
 *                       fits is {@link ModelShape#requireFits}
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
}
