package org.diloco4j.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.nativ.NativeTorch;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.testing.RandomBatchSource;

/**
 * CPU time, page faults and resident memory of the inner loop at a given model size, run by
 * scripts/bench-memory. Not a unit test.
 *
 * <pre>
 * VOCAB LAYERS D_MODEL HEADS CONTEXT BATCH STEPS WARMUP THREADS [SAMPLE_EVERY]
 * </pre>
 * Trains on uniformly random tokens (the work per step does not depend on the text). Prints one
 * line of key=value: tokens/s, user and system CPU-seconds of the timed steps (the whole process,
 * from /proc/self/stat), minor page faults per step, RSS after warm-up, the minimum and maximum RSS
 * sampled every SAMPLE_EVERY timed steps, and the peak RSS (VmHWM). Then, if SAMPLE_EVERY > 0,
 * one line "rss_samples=step:MB,..." for the flatness check.
 */
public final class TrainerMemoryBench {
    static final double TICKS_PER_SECOND = 100;   // USER_HZ on Linux

    private TrainerMemoryBench() {
    }

    public static void main(String[] a) throws IOException {
        if (a.length < 9) {
            System.err.println("usage: VOCAB LAYERS D_MODEL HEADS CONTEXT BATCH STEPS WARMUP THREADS [SAMPLE_EVERY]");
            System.exit(2);
        }
        int[] v = Arrays.stream(a).limit(9).mapToInt(Integer::parseInt).toArray();
        int sampleEvery = a.length > 9 ? Integer.parseInt(a[9]) : 0;
        GptConfig c = new GptConfig(v[0], v[1], v[2], v[3], v[4]);
        int batch = v[5], steps = v[6], warmup = v[7], threads = v[8];
        TrainerConfig config = new TrainerConfig(AdamWConfig.defaults().withLr(1e-4), LrSchedule.constant(), 1.0, 0.0,
                Precision.FP32, threads, TorchDevice.CPU);
        try (GptTrainer trainer = GptTrainer.create(c, config, new RandomBatchSource(batch, c.context(), c.vocabSize(), 7), 1)) {
            trainer.train(warmup);
            long rss0 = status("VmRSS");
            long[] cpu0 = cpuTicksAndFaults();
            long t0 = System.nanoTime();
            long minRss = Long.MAX_VALUE, maxRss = 0, tokens = 0;
            StringBuilder samples = new StringBuilder();
            float last = Float.NaN;
            int chunk = sampleEvery > 0 ? sampleEvery : steps;
            for (int done = 0; done < steps; done += chunk) {
                TrainReport r = trainer.train(Math.min(chunk, steps - done));
                tokens += r.tokens();
                last = r.lastLoss();
                long rss = status("VmRSS");
                minRss = Math.min(minRss, rss);
                maxRss = Math.max(maxRss, rss);
                if (sampleEvery > 0) samples.append(samples.isEmpty() ? "" : ",").append(done + r.steps()).append(':').append(rss / 1024);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long[] cpu1 = cpuTicksAndFaults();
            System.out.printf(java.util.Locale.ROOT, "params=%d batch=%d context=%d steps=%d tokens_per_s=%.1f wall_s=%.1f user_s=%.1f sys_s=%.1f"
                            + " faults_per_step=%d rss_after_warmup_mb=%d rss_min_mb=%d rss_max_mb=%d peak_rss_mb=%d last_loss=%.4f [%s]%n",
                    c.parameterCount(), batch, c.context(), steps, tokens / seconds, seconds,
                    (cpu1[0] - cpu0[0]) / TICKS_PER_SECOND, (cpu1[1] - cpu0[1]) / TICKS_PER_SECOND, (cpu1[2] - cpu0[2]) / Math.max(1, steps),
                    rss0 / 1024, minRss / 1024, maxRss / 1024, status("VmHWM") / 1024, last, NativeTorch.describe());
            if (sampleEvery > 0) System.out.println("rss_samples=" + samples);
        }
    }

    /** utime, stime (clock ticks) and minor faults of this process: /proc/self/stat fields 14, 15 and 10. */
    static long[] cpuTicksAndFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");   // f[0] is field 3 (state)
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[7])};
    }

    /** A /proc/self/status field in kB. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }
}
