package org.diloco4j.bench.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;

/**
 * Codec throughput per core measured in thread CPU time rather than wall time: on a machine whose
 * cores are shared with other jobs, wall-clock JMH figures mostly measure the other jobs; CPU time
 * of the benchmark thread stays close to what one dedicated core does (memory-bandwidth
 * interference remains). Complements {@link CodecBench}, it does not replace it.
 *
 * <p>Run: {@code java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp bench/target/classes:$(cat bench/target/classpath.txt)
 * org.diloco4j.bench.codec.CodecCpuTime [n] [reps] [codec ...]}; prints a markdown table.
 */
public final class CodecCpuTime {
    private CodecCpuTime() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        List<String> specs = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("fp32", "fp16", "bf16", "int8", "q4", "fp4", "topk:0.01");
        float[] values = new float[n];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < n; i++) values[i] = (float) (1e-3 * r.nextGaussian() * (r.nextInt(1000) == 0 ? 20 : 1));
        float[] out = new float[n];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // Enough warm-up rounds for the JIT to compile the codec's loops, whatever n.
        int warmup = (int) Math.min(1000, Math.max(3, 300_000_000L / n));
        System.out.printf("n = %d, %d repetitions after %d warm-up rounds; GB/s of fp32 input (4n bytes) per CPU-second, best / median%n%n",
                n, reps, warmup);
        System.out.println("| codec | bytes/param | encode GB/s | decode GB/s | round trip GB/s |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String spec : specs) {
            Codec c = Codecs.parse(spec);
            double[] enc = new double[reps];
            double[] dec = new double[reps];
            for (int rep = -warmup; rep < reps; rep++) {
                long t0 = threads.getCurrentThreadCpuTime();
                byte[] m = c.encode(values, 0, n);
                long t1 = threads.getCurrentThreadCpuTime();
                c.decode(m, out, 0, n);
                long t2 = threads.getCurrentThreadCpuTime();
                if (rep >= 0) {
                    enc[rep] = (t1 - t0) / 1e9;
                    dec[rep] = (t2 - t1) / 1e9;
                }
            }
            double[] trip = new double[reps];
            for (int i = 0; i < reps; i++) trip[i] = enc[i] + dec[i];
            System.out.printf("| %s | %.4f | %s | %s | %s |%n", spec, c.encodedSize(n) / (double) n, rate(enc, n), rate(dec, n), rate(trip, n));
        }
    }

    /** "best / median" GB/s of 4n bytes over the given seconds. */
    private static String rate(double[] seconds, int n) {
        double[] s = seconds.clone();
        Arrays.sort(s);
        return String.format("%.2f / %.2f", 4.0 * n / s[0] / 1e9, 4.0 * n / s[s.length / 2] / 1e9);
    }
}
