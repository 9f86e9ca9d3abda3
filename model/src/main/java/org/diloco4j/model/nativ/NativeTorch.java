package org.diloco4j.model.nativ;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads libtorch (through JavaCPP) once per JVM and applies the thread settings the trainer's
 * config asks for. Everything that touches libtorch calls {@link #load()} first.
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
