package org.diloco4j.model.train;

import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.core.train.TrainerState;
import org.diloco4j.model.data.batch.BatchSource;
import org.diloco4j.model.data.batch.ShardedBatches;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.gpt.FlatParams;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.gpt.GptLayout;
import org.diloco4j.model.nativ.Generation;
import org.diloco4j.model.nativ.NativeTorch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A DiLoCo worker's inner loop: a GPT on libtorch trained with flat AdamW on batches from its own
 * {@link BatchSource}. AdamW state, the step counter, the data position and the dropout generators
 * persist across rounds; {@link #load} replaces only θ. In a run the learning-rate schedule follows
 * the run's clock ({@link GlobalProgress}: tokens trained by all workers), so that fast and slow
 * workers are at the same point of the schedule at the same moment; alone, its own step counter.
 *
 * <p>Each step is spread over {@code config.threads()} Java threads, each running single-threaded
 * libtorch ops on its rows of the batch ({@link ShardedStep}); every step's tensors are freed by
 * per-thread {@code PointerScope}s, while θ, gradients and optimizer state are long-lived flat
 * tensors. Not thread-safe: one thread drives a trainer.
 */
public final class GptTrainer implements InnerTrainer {
    /** AdamW's first and second moments in the checkpoint state, under PyTorch's names for them. */
    private static final String ADAM_M = "exp_avg", ADAM_V = "exp_avg_sq";
    private final GptConfig model;
    private final TrainerConfig config;
    private final BatchSource data;
    private final ParamLayout layout;
    private final FlatParams params;
    private final FlatAdamW adamw;
    private final ShardedStep stepper;
    /** Advanced whenever θ_i or the moments change, so that views taken before refuse to be read. */
    private final Generation generation = new Generation();
    private long step;                   // optimizer steps taken, across all rounds
    private boolean closed;
    /** A restore failed partway: generators, moments and step may disagree, so the trainer refuses to be used. */
    private boolean broken;

    private GptTrainer(GptConfig model, TrainerConfig config, BatchSource data, long seed) {
        if (data == null) throw new IllegalArgumentException("a BatchSource is required");
        if (config.dropout() > 0 && !config.device().isCpu()) {
            throw new IllegalArgumentException("trainer.dropout > 0 is only supported on the cpu device, got " + config.device());
        }
        // Parallelism comes from ShardedStep's threads; libtorch's own pool would only compete with them.
        NativeTorch.setIntraOpThreads(1);
        this.model = model;
        this.config = config;
        this.data = data;
        this.layout = GptLayout.of(model);
        this.params = FlatParams.forTraining(layout, config.device());
        params.load(GptInit.init(model, seed));
        this.adamw = new FlatAdamW(config.adamw(), layout, GptLayout::decays, config.device());
        this.stepper = new ShardedStep(model, config, params, adamw, config.effectiveThreads(), seed);
        if (config.precision() == Precision.BF16 && config.device().isCpu() && !NativeTorch.cpuHasFastBf16Matmul()) {
            System.getLogger(GptTrainer.class.getName()).log(System.Logger.Level.WARNING,
                    "trainer.precision = BF16 on a CPU without AVX-512 BW/VL/DQ or AVX-NE-CONVERT: libtorch runs bf16 "
                            + "matmuls with a scalar fallback here, far slower than FP32");
        }
    }

    /**
     * A trainer whose θ starts at the GPT-2 initialisation drawn from {@code seed} (the same seed
     * also seeds dropout), training on {@code config.threads()} threads.
     */
    public static GptTrainer create(GptConfig model, TrainerConfig config, BatchSource data, long seed) {
        return new GptTrainer(model, config, data, seed);
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    public GptConfig modelConfig() {
        return model;
    }

    public TrainerConfig config() {
        return config;
    }

    /** Optimizer steps taken so far (the schedule's clock when training alone; never reset by {@link #load}). */
    public long step() {
        return step;
    }

    /** The learning rate the next step will use when training alone (on the trainer's own clock). */
    public double currentLr() {
        return config.adamw().lr() * config.schedule().multiplier(step);
    }

    /** The learning rate at {@code runTokens} tokens of the whole run (see {@link TrainerConfig#scheduleTokens}). */
    public double lrAt(double runTokens, long batchTokens) {
        long perStep = config.scheduleTokens() > 0 ? config.scheduleTokens() : batchTokens;
        return config.adamw().lr() * config.schedule().multiplier(runTokens / perStep);
    }

    @Override
    public void load(float[] theta) {
        checkOpen();
        generation.advance();
        params.load(theta);
    }

    /**
     * Switches to another data shard ({@link BatchSource#select}): works when the trainer was built
     * on {@link ShardedBatches}, else throws UnsupportedOperationException.
     */
    @Override
    public void useShard(int shard) {
        data.select(shard);
    }

    @Override
    public void read(float[] out) {
        checkOpen();
        params.read(out);
    }

    @Override
    public TrainReport train(int steps, GlobalProgress progress) {
        checkOpen();
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        float[] losses = new float[steps];
        float[] norms = new float[steps];
        double[] lrs = new double[steps];
        long tokens = 0;
        for (int i = 0; i < steps; i++) {
            TokenBatch batch = data.next();
            checkBatch(batch);
            lrs[i] = progress == null ? currentLr() : lrAt(progress.at(tokens), batch.tokens());
            generation.advance();
            ShardedStep.Result r = stepper.run(batch, lrs[i]);
            losses[i] = r.loss();
            norms[i] = (float) r.gradNorm();
            step++;
            tokens += batch.tokens();
        }
        return new TrainReport(steps, tokens, losses, norms, lrs);
    }

    private void checkBatch(TokenBatch b) {
        if (b.context() > model.context()) {
            throw new IllegalArgumentException("batch context " + b.context() + " exceeds the model's context " + model.context());
        }
        int v = model.vocabSize();
        int[] in = b.inputs(), tg = b.targets();
        for (int i = 0; i < in.length; i++) {
            if (in[i] < 0 || in[i] >= v || tg[i] < 0 || tg[i] >= v) {
                throw new IllegalArgumentException("token id " + (in[i] < 0 || in[i] >= v ? in[i] : tg[i])
                        + " at position " + i + " is outside the vocabulary [0, " + v + ")");
            }
        }
    }

    /**
     * θ_i as a view of its native memory: what a checkpoint streams from. Reading it after the
     * trainer trained, loaded, restored or closed throws IllegalStateException.
     */
    @Override
    public TensorData parameters() {
        checkOpen();
        return params.view(generation);
    }

    @Override
    public void load(TensorData theta) throws IOException {
        checkOpen();
        generation.advance();
        params.load(theta);
    }

    /**
     * The state with AdamW's moments as views of their native memory on the CPU device: reading them
     * after the trainer trained, loaded, restored or closed throws IllegalStateException (a state
     * whose moments were read later would pair them with this step, data position and generators).
     * {@link TrainerState#detached} keeps a copy.
     */
    @Override
    public TrainerState saveState() {
        checkOpen();
        return new TrainerState(stateKey(model), step, data.position(), -1, Map.of(ADAM_M, adamw.firstMoment(generation), ADAM_V, adamw.secondMoment(generation)),
                List.of(stepper.generatorStates()));
    }

    /**
     * Restores a state {@link #saveState} took. Refusals found before anything changes (another
     * model, missing moments) leave the trainer as it was; a failure after that (generators refused,
     * a moment read failing partway) leaves generators, moments and step disagreeing, so the trainer
     * then refuses every further use: the caller must close and discard it.
     */
    @Override
    public void restoreState(TrainerState s) {
        checkOpen();
        if (!s.model().equals(stateKey(model))) {
            throw new IllegalArgumentException("state belongs to " + s.model() + ", this trainer runs " + stateKey(model));
        }
        int n = layout.arraySize();
        TensorData m = s.array(ADAM_M, n), v = s.array(ADAM_V, n);
        generation.advance();
        broken = true;   // until every part below has been restored
        stepper.setGeneratorStates(s.generators().toArray(byte[][]::new));
        try {
            adamw.restore(m, v, s.step());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        data.seek(s.dataPosition());
        step = s.step();
        broken = false;
    }

    /**
     * The shape a trainer state belongs to, as checkpoints write it: spelled out here rather than
     * taken from GptConfig's toString, so that a display change cannot orphan saved states.
     */
    static String stateKey(GptConfig c) {
        return "gpt vocab " + c.vocabSize() + ", layers " + c.layers() + ", d_model " + c.dModel() + ", heads " + c.heads()
                + ", context " + c.context();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("trainer is closed");
        if (broken) throw new IllegalStateException("trainer is unusable: a restoreState failed partway; close it and build a new one");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        generation.advance();
        stepper.close();
        adamw.close();
        params.close();
    }
}
