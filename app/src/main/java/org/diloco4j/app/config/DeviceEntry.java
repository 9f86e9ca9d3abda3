package org.diloco4j.app.config;

import org.diloco4j.sim.Accelerator;
import org.diloco4j.sim.StepTimeSource;

/**
 * A simulated worker's device as its {@code [[sim.workers]]} entry describes it, and which key
 * decided its seconds per step: {@code seconds_per_step} (the override), else {@code flops} (a
 * sustained FLOP/s), else {@code device} (a profile of {@link Accelerator}). A config file may
 * say which with {@code step_time}, as the config.toml of a run does.
 *
 * @param stepTime which key decided the worker's seconds per step
 * @param profile  the named profile's label, or "" for none
 * @param flops    explicit sustained FLOP/s, or NaN
 * @param memoryGb explicit device memory in GB (10^9 bytes), or NaN for the profile's (unknown without one)
 */
public record DeviceEntry(StepTimeSource stepTime, String profile, double flops, double memoryGb) {
    /** A worker described by its seconds per step alone. */
    public static final DeviceEntry NONE = new DeviceEntry(StepTimeSource.SECONDS_PER_STEP, "", Double.NaN, Double.NaN);

    public DeviceEntry {
        profile = profile == null || profile.isBlank() ? "" : accelerator(profile).label();
        if (!Double.isNaN(flops) && !(flops > 0 && Double.isFinite(flops))) {
            throw new ConfigException("flops = " + flops + " must be a positive number of FLOP/s, e.g. 1.2e14");
        }
        if (!Double.isNaN(memoryGb) && !(memoryGb > 0 && Double.isFinite(memoryGb))) {
            throw new ConfigException("memory_gb = " + memoryGb + " must be > 0");
        }
        if (stepTime == StepTimeSource.DEVICE && profile.isEmpty()) throw new ConfigException("step_time = \"device\" needs device = \"name\"");
        if (stepTime == StepTimeSource.FLOPS && Double.isNaN(flops)) throw new ConfigException("step_time = \"flops\" needs flops = FLOP/s");
    }

    /** Sustained FLOP/s the step time is derived from: the explicit flops, else the profile's peak × its assumed MFU. */
    public double sustainedFlops() {
        // step_time = "device" decides by the profile even where flops is also written (config.toml carries both).
        if (!Double.isNaN(flops) && stepTime != StepTimeSource.DEVICE) return flops;
        return profile.isEmpty() ? Double.NaN : Accelerator.parse(profile).speed().sustainedFlops();
    }

    /** The device's memory in bytes: the explicit memory_gb, else the profile's, else NaN (not checked). */
    public double memoryBytes() {
        if (!Double.isNaN(memoryGb)) return memoryGb * 1e9;
        return profile.isEmpty() ? Double.NaN : Accelerator.parse(profile).speed().memoryBytes();
    }

    /** How an error names this device: its memory_gb if given, else its profile. */
    String describeMemory() {
        return !Double.isNaN(memoryGb) ? "memory_gb = " + TomlWriter.literal(memoryGb) : "device \"" + profile + "\"";
    }

    private static Accelerator accelerator(String name) {
        try {
            return Accelerator.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
