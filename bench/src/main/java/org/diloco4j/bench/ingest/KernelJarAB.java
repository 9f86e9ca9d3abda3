package org.diloco4j.bench.ingest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Delayed Nesterov's fused int8 kernel ({@code StepKernel.applyCoded}, codes every fourth byte as in int8's
 * quarter runs of 64K chunks) from two or more builds of the core jar, each loaded by its own class loader,
 * stepped push by push in rotating order in one JVM, so all see the same load on a shared machine (and each
 * class is compiled by C2 as production compiles it, not a copy). Timed by this thread's CPU clock; per DN
 * case the median CPU-s per GB of int8; θ of all builds must end bit for bit equal (the run fails otherwise).
 * With {@code -Dfar=F} each build's θ run starts F values into a longer array (θ held in one array: at
 * F ≥ 2^29, 4·offset no longer fits an int), the optimizer's buffers at their own offsets from 0.
 * Run: {@code java -Xmx3g -cp bench/target/classes org.diloco4j.bench.ingest.KernelJarAB c n steps jar...}.
 */
public final class KernelJarAB {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 1 << 16;
    private static final int WARM = 8;

    private KernelJarAB() {
    }

    public static void main(String[] args) throws Exception {
        double c = Double.parseDouble(args[0]);
        int n = Integer.parseInt(args[1]);
        int steps = Integer.parseInt(args[2]);
        String[] jars = Arrays.copyOfRange(args, 3, args.length);
        int k = jars.length;
        int far = Integer.getInteger("far", 0);
        SplittableRandom r = new SplittableRandom(42);
        byte[] codes = new byte[n];
        for (int i = 0; i < n; i++) codes[i] = (byte) Math.max(0, Math.min(255, (int) Math.round(128 + 32 * r.nextGaussian())));
        float[] table = new float[256];
        for (int b = 0; b < 256; b++) table[b] = (b - 128) * 3e-5f;
        float[] scratch = new float[CHUNK];
        Object[] dn = new Object[k];
        Method[] begin = new Method[k];
        Method[] commit = new Method[k];
        Method[] apply = new Method[k];
        float[][] theta = new float[k][];
        for (int j = 0; j < k; j++) {
            URLClassLoader l = new URLClassLoader(new URL[] {Path.of(jars[j]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> cls = l.loadClass("org.diloco4j.core.optim.DelayedNesterov");
            Constructor<?> ctor = cls.getConstructor(int.class, double.class, double.class, int.class, double.class);
            dn[j] = ctor.newInstance(n, 0.7, 0.9, 4, c);
            begin[j] = cls.getMethod("begin");
            commit[j] = cls.getMethod("commit");
            apply[j] = l.loadClass("org.diloco4j.core.optim.StepKernel").getMethod("applyCoded", float[].class, int.class, float[].class, byte[].class,
                    int.class, int.class, int.class, int.class, float[].class);
            theta[j] = new float[far + n];
            System.arraycopy(IngestInputs.theta(n), 0, theta[j], far, n);
        }
        // Per build: [0] the first of a buffer, [1] the 2nd and 3rd; the N-th (not fused) is stepped, not timed.
        double[][][] t = new double[k][2][steps * 3];
        int[][] count = new int[k][2];
        String load0 = load();
        for (int s = 0; s < 4 * (WARM / 4 + steps); s++) {
            int pos = s % 4;
            for (int x = 0; x < k; x++) {
                int j = (x + s) % k;
                Object kernel = begin[j].invoke(dn[j]);
                long c0 = THREADS.getCurrentThreadCpuTime();
                for (int lo = 0; lo < n; lo += CHUNK) {
                    int m = Math.min(CHUNK, n - lo);
                    int g = m >>> 2;
                    for (int q = 0; q < 4; q++) apply[j].invoke(kernel, theta[j], far + lo + q * g, table, codes, lo + q, 4, lo + q * g, g, scratch);
                }
                double sec = (THREADS.getCurrentThreadCpuTime() - c0) / 1e9;
                commit[j].invoke(dn[j]);
                if (s >= WARM && pos < 3) {
                    int kind = pos == 0 ? 0 : 1;
                    t[j][kind][count[j][kind]++] = sec;
                }
            }
        }
        for (int j = 1; j < k; j++) {
            if (!Arrays.equals(theta[0], theta[j])) throw new IllegalStateException(jars[j] + " gives another θ than " + jars[0]);
        }
        System.out.printf("c=%s n=%,d far=%,d, %d timed buffers of N = 4 after %d warm-up steps; load before %s, after %s; θ bit-identical across builds%n",
                c, n, far, steps, WARM, load0, load());
        System.out.println("| build | first of a buffer: CPU-s per GB int8, median (min–max) | 2nd, 3rd: CPU-s per GB, median (min–max) |");
        System.out.println("|---|---:|---:|");
        for (int j = 0; j < k; j++) {
            StringBuilder row = new StringBuilder("| " + Path.of(jars[j]).getFileName() + " |");
            for (int kind = 0; kind < 2; kind++) {
                double[] x = Arrays.copyOf(t[j][kind], count[j][kind]);
                row.append(String.format(" %.2f (%.2f–%.2f) |", IngestInputs.median(x) / (n / 1e9), Arrays.stream(x).min().orElseThrow() / (n / 1e9),
                        Arrays.stream(x).max().orElseThrow() / (n / 1e9)));
            }
            System.out.println(row);
        }
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().substring(0, 14);
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
