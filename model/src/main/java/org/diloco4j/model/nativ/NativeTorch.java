package org.diloco4j.model.nativ;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads libtorch (through JavaCPP) once per JVM and sets its intra-op thread count. Everything
 * that touches libtorch calls {@link #load()} first. The trainer and the evaluator pin the
 * intra-op pool to 1 ({@link #setIntraOpThreads}) and parallelise with their own Java threads
 * ({@link ThreadTeam}); {@code trainer.threads} sizes those, not libtorch's pool.
 *
 * <p>Threads: libtorch's intra-op pool is OpenMP (the libgomp bundled with the preset), while its
 * fp32 matmuls call the preset's OpenBLAS, which runs its own pthread pool sized by
 * {@code OPENBLAS_NUM_THREADS}. That variable, and the OpenMP spin policy, are read when the
 * libraries load, so they come from the environment ({@code native_thread_env} in
 * scripts/lib/env.sh); only the intra-op count can be changed from Java.
 */
public final class NativeTorch {
    private static volatile boolean loaded;

    private NativeTorch() {
    }

    /** Loads the native libraries if this JVM has not yet done so. */
    public static void load() {
        if (loaded) return;
        synchronized (NativeTorch.class) {
            if (loaded) return;
            Loader.load(torch.class);
            loaded = true;
        }
    }

    /**
     * Sets libtorch's intra-op thread count (process-wide). {@code threads <= 0} keeps the current
     * value, which libtorch takes from {@code OMP_NUM_THREADS} at load.
     */
    public static synchronized void setIntraOpThreads(int threads) {
        load();
        if (threads > 0 && torch.get_num_threads() != threads) torch.set_num_threads(threads);
    }

    public static int intraOpThreads() {
        load();
        return torch.get_num_threads();
    }

    /**
     * Whether libtorch will run bf16 matmuls through oneDNN on this CPU. libtorch 2.10 does so only
     * on x86 CPUs with AVX-512 BW+VL+DQ or AVX-NE-CONVERT (its {@code mkldnn_bf16_device_check});
     * elsewhere it falls back to a scalar kernel, measured at 0.5 GFLOP/s against 50 GFLOP/s for
     * fp32 on an AVX2 Zen 3 core, so bf16 autocast makes training ~100× slower there. Reads
     * /proc/cpuinfo; false where it cannot tell.
     */
    public static boolean cpuHasFastBf16Matmul() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (!line.startsWith("flags")) continue;
                Set<String> f = new HashSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                return (f.contains("avx512bw") && f.contains("avx512vl") && f.contains("avx512dq")) || f.contains("avx_ne_convert");
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** One line describing the native setup, for logs and benchmark reports. */
    public static String describe() {
        load();
        return "libtorch intra-op threads " + torch.get_num_threads()
                + ", OPENBLAS_NUM_THREADS=" + env("OPENBLAS_NUM_THREADS")
                + ", OMP_NUM_THREADS=" + env("OMP_NUM_THREADS")
                + ", OMP_WAIT_POLICY=" + env("OMP_WAIT_POLICY")
                + ", GOMP_SPINCOUNT=" + env("GOMP_SPINCOUNT")
                + ", OPENBLAS_THREAD_TIMEOUT=" + env("OPENBLAS_THREAD_TIMEOUT");
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "(unset)" : v;
    }
}
