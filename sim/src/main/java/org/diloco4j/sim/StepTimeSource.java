package org.diloco4j.sim;

/**
 * What decided a simulated worker's seconds per step: exactly one of these per worker. An explicit
 * {@code seconds_per_step} wins over {@code flops}, which wins over a {@code device} profile's.
 */
public enum StepTimeSource {
    /** Given in seconds (the default run's workers): the same whatever the model's size. */
    SECONDS_PER_STEP,
    /** A named {@link Accelerator} profile's sustained FLOP/s and the model's FLOPs per step. */
    DEVICE,
    /** An explicit sustained FLOP/s and the model's FLOPs per step. */
    FLOPS;

    /** The spelling of config files and run_start: seconds_per_step, device, flops. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The source {@code text} names (any case), or why none does. */
    public static StepTimeSource parse(String text) {
        for (StepTimeSource s : values()) if (s.label().equalsIgnoreCase(text.strip())) return s;
        throw new IllegalArgumentException("step_time = \"" + text + "\" is not one of seconds_per_step, device, flops");
    }
}
