package org.diloco4j.model.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.model.data.batch.ListBatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.nativ.NativeTorch;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.testing.RandomBatchSource;
import org.diloco4j.model.testing.TextBatches;

/**
 * Training throughput of the GPT on libtorch, run by scripts/bench-gpt beside the PyTorch peer
 * (bench/python/gpt_peer.py). Not a unit test.
 *
 * <pre>
 * prepare DIR [V L D H T B]                    write θ₀, 16 batches and meta (default: the bench config below;
 *                                              V L D H T B: vocab, layers, d_model, heads, context, batch)
 * run DIR STEPS WARMUP PRECISION THREADS [MODE] train, print "java ... tokens_per_s=... cpu_s_per_step=... losses=..."
 * </pre>
 * MODE {@code sharded} (default) is the trainer as shipped: the batch split over THREADS Java
 * threads, single-threaded libtorch ops. MODE {@code omp} is the libtorch-default arrangement for
 * comparison: one thread drives the step and libtorch's OpenMP pool gets THREADS threads (BLAS
 * threads then come from OPENBLAS_NUM_THREADS).
 * The bench config is GptConfig.bench() (vocab 256, d 256, 4 layers, 4 heads, context 128, 3.26M
 * parameters) with batch 16, AdamW lr 1e-3, 10 warmup steps, clip 1.0; its batches are English
 * Europarl bytes. Another model (e.g. GPT-2 small: 50257 12 768 12 128 2) trains on uniformly random
 * token ids, the same on both sides (throughput does not depend on the text). {@code run} reads the
 * model and batch from meta.properties.
 */
public final class GptThroughputBench {
    static final int BATCH = 16;
    static final int BATCHES = 16;
    static final double LR = 1e-3;
    static final int WARMUP_STEPS = 10;

    private GptThroughputBench() {
    }

    public static void main(String[] args) throws IOException {
        if ((args.length == 2 || args.length == 8) && args[0].equals("prepare")) {
            int[] m = Arrays.stream(args).skip(2).mapToInt(Integer::parseInt).toArray();
            GptConfig c = m.length == 0 ? GptConfig.bench() : new GptConfig(m[0], m[1], m[2], m[3], m[4]);
            prepare(Path.of(args[1]), c, m.length == 0 ? BATCH : m[5]);
        } else if ((args.length == 6 || args.length == 7) && args[0].equals("run")) {
            boolean omp = args.length == 7 && args[6].equals("omp");
            if (args.length == 7 && !omp && !args[6].equals("sharded")) throw new IllegalArgumentException("mode " + args[6]);
            run(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Precision.valueOf(args[4]),
                    Integer.parseInt(args[5]), omp);
        } else {
            System.err.println("usage: prepare DIR [VOCAB LAYERS D_MODEL HEADS CONTEXT BATCH] | run DIR STEPS WARMUP FP32|BF16 THREADS [sharded|omp]");
            System.exit(2);
        }
    }

    static void prepare(Path dir, GptConfig c, int batch) throws IOException {
        Files.createDirectories(dir);
        float[] theta = GptInit.init(c, 1);
        ByteBuffer f = ByteBuffer.allocate(4 * theta.length).order(ByteOrder.LITTLE_ENDIAN);
        f.asFloatBuffer().put(theta);
        Files.write(dir.resolve("init.f32"), f.array());
        List<TokenBatch> batches = new ArrayList<>();
        if (c.vocabSize() == 256) {
            batches.addAll(TextBatches.windows(TextBatches.englishEuroparl(1 << 20), BATCHES, batch, c.context(), 5));
        } else {
            RandomBatchSource random = new RandomBatchSource(batch, c.context(), c.vocabSize(), 5);
            for (int i = 0; i < BATCHES; i++) batches.add(random.next());
        }
        ByteBuffer b = ByteBuffer.allocate(4 * 2 * batch * c.context() * BATCHES).order(ByteOrder.LITTLE_ENDIAN);
        for (TokenBatch tb : batches) {
            b.asIntBuffer().put(tb.inputs());
            b.position(b.position() + 4 * tb.inputs().length);
            b.asIntBuffer().put(tb.targets());
            b.position(b.position() + 4 * tb.targets().length);
        }
        Files.write(dir.resolve("batches.i32"), b.array());
        Files.writeString(dir.resolve("meta.properties"), String.join("\n",
                "vocab=" + c.vocabSize(), "layers=" + c.layers(), "dModel=" + c.dModel(), "heads=" + c.heads(),
                "context=" + c.context(), "batch=" + batch, "batches=" + BATCHES, "lr=" + LR,
                "warmupSteps=" + WARMUP_STEPS, "decaySteps=0", "minLrRatio=1.0", ""));
    }

    static void run(Path dir, int steps, int warmup, Precision precision, int threads, boolean omp) throws IOException {
        Properties meta = new Properties();
        try (var in = Files.newInputStream(dir.resolve("meta.properties"))) {
            meta.load(in);
        }
        GptConfig c = new GptConfig(Integer.parseInt(meta.getProperty("vocab")), Integer.parseInt(meta.getProperty("layers")),
                Integer.parseInt(meta.getProperty("dModel")), Integer.parseInt(meta.getProperty("heads")),
                Integer.parseInt(meta.getProperty("context")));
        int batch = Integer.parseInt(meta.getProperty("batch"));
        ByteBuffer fb = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("init.f32"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] theta = new float[c.parameterCount()];
        fb.asFloatBuffer().get(theta);
        ByteBuffer ib = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("batches.i32"))).order(ByteOrder.LITTLE_ENDIAN);
        var ints = ib.asIntBuffer();
        List<TokenBatch> batches = new ArrayList<>();
        int n = batch * c.context();
        for (int i = 0; i < BATCHES; i++) {
            int[] x = new int[n], y = new int[n];
            ints.get(x);
            ints.get(y);
            batches.add(new TokenBatch(batch, c.context(), x, y));
        }
        TrainerConfig config = new TrainerConfig(AdamWConfig.defaults().withLr(LR),
                new LrSchedule(WARMUP_STEPS, 0, 1.0), 1.0, 0.0, precision, omp ? 1 : threads, TorchDevice.CPU);
        try (GptTrainer trainer = GptTrainer.create(c, config, new ListBatchSource(batches), 1)) {
            if (omp) NativeTorch.setIntraOpThreads(threads);   // after create(), which pins libtorch to 1
            trainer.load(theta);
            TrainReport first = trainer.train(warmup);
            long[] cpu0 = TrainerMemoryBench.cpuTicksAndFaults();
            long t0 = System.nanoTime();
            TrainReport timed = trainer.train(steps);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long[] cpu1 = TrainerMemoryBench.cpuTicksAndFaults();
            // the whole process's user + system CPU time (every thread: trainer, JIT, GC) per timed step
            double cpuPerStep = (cpu1[0] + cpu1[1] - cpu0[0] - cpu0[1]) / TrainerMemoryBench.TICKS_PER_SECOND / Math.max(1, steps);
            long faultsPerStep = (cpu1[2] - cpu0[2]) / Math.max(1, steps);
            // the first 5 losses of warm-up and timed steps together, as the peer prints them
            float[] all = Arrays.copyOf(first.losses(), first.losses().length + timed.losses().length);
            System.arraycopy(timed.losses(), 0, all, first.losses().length, timed.losses().length);
            float[] losses = Arrays.copyOf(all, Math.min(5, all.length));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < losses.length; i++) sb.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.6f", losses[i]));
            System.out.printf(java.util.Locale.ROOT, "java %s %s tokens_per_s=%.1f cpu_s_per_step=%.2f steps=%d losses=%s last=%.4f page_faults_per_step=%d [%s]%n",
                    precision, omp ? "omp" : "sharded", timed.tokens() / seconds, cpuPerStep, steps, sb, timed.lastLoss(), faultsPerStep,
                    NativeTorch.describe());
        }
    }
}
