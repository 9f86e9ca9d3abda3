package org.diloco4j.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Device profiles a simulated worker can name ({@code device = "h100"}): a datasheet peak for the
 * precision training uses on it, times {@link #ASSUMED_MFU}, and its memory. None of these figures
 * was measured in this project (it has no GPU): they are vendors' peak numbers scaled by an assumed
 * utilization, so a simulated step time is an estimate of what a well-tuned run would see. Sources
 * and the arithmetic are in docs/devices.md; a measured FLOP/s goes in {@code flops} instead.
 */
public enum Accelerator {
    /** NVIDIA H100 Tensor Core GPU datasheet (SXM5): 989 TFLOP/s BF16 dense (1,979 with 2:4 sparsity), 80 GB HBM3. */
    H100("h100", 989e12, 80),
    /** NVIDIA A100 Tensor Core GPU datasheet (SXM4 80 GB): 312 TFLOP/s BF16 dense (624 with sparsity), 80 GB HBM2e. */
    A100("a100", 312e12, 80),
    /** NVIDIA L4 datasheet: 242 TFLOP/s BF16 with sparsity, so 121 dense; 24 GB GDDR6. */
    L4("l4", 121e12, 24),
    /** NVIDIA Ada Lovelace architecture whitepaper: RTX 4090 165.2 TFLOP/s BF16 dense with FP32 accumulate; 24 GB GDDR6X. */
    RTX_4090("rtx4090", 165.2e12, 24),
    /**
     * A two-socket server of 32-core AVX-512 CPUs (e.g. Xeon Ice Lake-SP): 2 sockets × 32 cores × 2
     * FMA units × 16 fp32 lanes × 2 FLOP × an assumed 2.0 GHz all-core AVX-512 clock = 8.19 TFLOP/s
     * fp32; 512 GB of DRAM assumed.
     */
    CPU_SERVER("cpu-server", 2.0 * 32 * 2 * 16 * 2 * 2.0e9, 512);

    /**
     * Model FLOPs utilization assumed for every profile: the share of the peak a training step
     * sustains. PaLM (Chowdhery et al. 2022) reports 46 % at 540B parameters; well-tuned large runs
     * land around 35–55 %, small models and CPUs usually lower. An assumption, not a measurement.
     */
    public static final double ASSUMED_MFU = 0.40;

    private final String label;
    /** The datasheet peak FLOP/s for the precision training uses on the device (each constant's comment says which). */
    private final double peakFlops;
    private final double memoryGb;

    Accelerator(String label, double peakFlops, double memoryGb) {
        this.label = label;
        this.peakFlops = peakFlops;
        this.memoryGb = memoryGb;
    }

    /** The name a config uses. */
    public String label() {
        return label;
    }

    /** Device memory in GB (10^9 bytes, as datasheets count). */
    public double memoryGb() {
        return memoryGb;
    }

    /** The peak times {@link #ASSUMED_MFU}, with the device's memory. */
    public DeviceSpeed speed() {
        return new DeviceSpeed(peakFlops * ASSUMED_MFU, memoryGb * 1e9);
    }

    /** The profile named {@code name} (any case), or why there is none, listing the known ones. */
    public static Accelerator parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (Accelerator a : values()) if (a.label.equals(n)) return a;
        throw new IllegalArgumentException("device = \"" + name + "\" is not a known profile; known: " + String.join(", ", labels())
                + " (or give flops = sustained FLOP/s)");
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(Accelerator::label).toList();
    }
}
