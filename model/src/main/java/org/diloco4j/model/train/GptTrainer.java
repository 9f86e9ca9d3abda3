package org.diloco4j.model.train;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.model.data.BatchSource;
import org.diloco4j.model.data.ShardedBatches;
import org.diloco4j.model.data.TokenBatch;
import org.diloco4j.model.gpt.Dropout;
import org.diloco4j.model.gpt.FlatParams;
import org.diloco4j.model.gpt.Gpt;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.gpt.GptLayout;
import org.diloco4j.model.nativ.Autocast;
import org.diloco4j.model.nativ.NativeTorch;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.TorchDevice;

/**
 * A DiLoCo worker's inner loop: a GPT on libtorch trained with flat AdamW on batches from its own
 * {@link BatchSource}. AdamW state, the step counter (and so the LR schedule), the data position
 * and the dropout generator persist across rounds; {@link #load} replaces only θ.
 *
 * <p>Each step runs inside its own {@code PointerScope}, so the activations and gradients graph of
 * a step are freed when it ends; the parameters, gradients and optimizer state are long-lived flat
 * tensors. Not thread-safe: one thread drives a trainer.
 */
public final class GptTrainer implements InnerTrainer {
    private static final long DROPOUT_SEED_SALT = 0x9E3779B97F4A7C15L;

    private final GptConfig model;
    private final TrainerConfig config;
    private final BatchSource data;
    private final ParamLayout layout;
    private final TorchDevice device;
    private final FlatParams params;
    private final Gpt gpt;
    private final FlatAdamW adamw;
    private final Generator generator;   // dropout masks; CPU generator owned by this trainer
    private final Dropout dropout;
    private long step;                   // optimizer steps taken, across all rounds
    private boolean closed;

    private GptTrainer(GptConfig model, TrainerConfig config, BatchSource data, long seed) {
        if (data == null) throw new IllegalArgumentException("a BatchSource is required");
        if (config.dropout() > 0 && !config.device().isCpu()) {
            throw new IllegalArgumentException("trainer.dropout > 0 is only supported on the cpu device, got " + config.device());
        }
        NativeTorch.setIntraOpThreads(config.threads());
        this.model = model;
        this.config = config;
        this.data = data;
        this.layout = GptLayout.of(model);
        this.device = config.device();
        this.params = FlatParams.forTraining(layout, device);
        params.load(GptInit.init(model, seed));
        this.gpt = new Gpt(model, params);
        this.adamw = new FlatAdamW(config.adamw(), layout, GptLayout::decays, device);
        this.generator = torch.createCPUGenerator(seed ^ DROPOUT_SEED_SALT);
        this.dropout = Dropout.of(config.dropout(), generator);
    }

    /**
     * A trainer whose θ starts at the GPT-2 initialisation drawn from {@code seed} (the same seed
     * also seeds dropout). Sets libtorch's intra-op threads from {@code config.threads()}.
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

    /** Optimizer steps taken so far (drives the LR schedule; never reset by {@link #load}). */
    public long step() {
        return step;
    }

    /** The learning rate the next step will use. */
    public double currentLr() {
        return config.adamw().lr() * config.schedule().multiplier(step);
    }

    @Override
    public void load(float[] theta) {
        checkOpen();
        params.load(theta);
    }

    /** Switches to another data shard when the trainer was built on {@link ShardedBatches}. */
    @Override
    public void useShard(int shard) {
        if (!(data instanceof ShardedBatches sharded)) InnerTrainer.super.useShard(shard);
        else sharded.select(shard);
    }

    @Override
    public void read(float[] out) {
        checkOpen();
        params.read(out);
    }

    @Override
    public TrainReport train(int steps) {
        checkOpen();
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        float[] losses = new float[steps];
        long tokens = 0;
        for (int i = 0; i < steps; i++) {
            TokenBatch batch = data.next();
            checkBatch(batch);
            try (PointerScope scope = new PointerScope()) {
                losses[i] = step(batch);
            }
            tokens += batch.tokens();
        }
        return new TrainReport(steps, tokens, losses);
    }

    /** Forward, backward, clip, AdamW: one inner step. Runs inside the caller's scope. */
    private float step(TokenBatch batch) {
        Tensor ids = toDevice(batch.inputs(), batch);       // (B, T)
        Tensor targets = toDevice(batch.targets(), batch);  // (B, T)
        params.zeroGrad();
        Tensor loss;
        if (config.precision() == Precision.BF16) {
            try (Autocast ignored = Autocast.bf16(device)) {
                loss = gpt.loss(ids, targets, dropout);
            }
        } else {
            loss = gpt.loss(ids, targets, dropout);
        }
        loss.backward();
        float value = loss.item_float();
        double lr = currentLr();
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor grad = params.grad();
            if (config.gradClip() > 0) clip(grad, config.gradClip());
            adamw.step(params.flat(), grad, lr);
        }
        step++;
        return value;
    }

    /** torch.nn.utils.clip_grad_norm_: scale by clip / (‖g‖ + 1e-6) when that is below 1. */
    private static void clip(Tensor grad, double maxNorm) {
        double norm = grad.norm().item_double();
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) grad.mul_(new Scalar(coef));
    }

    private Tensor toDevice(int[] ids, TokenBatch batch) {
        Tensor t = Tensors.emptyLong(batch.batch(), batch.context());
        Tensors.copyIds(ids, t);
        return device.isCpu() ? t : t.to(device.options(ScalarType.Long), false, false,
                new org.bytedeco.pytorch.MemoryFormatOptional());
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

    @Override
    public byte[] saveState() {
        checkOpen();
        int n = layout.size();
        float[] m = new float[n], v = new float[n];
        adamw.save(m, v);
        return new TrainerState(model, step, data.position(), m, v, generatorState()).encode();
    }

    @Override
    public void restoreState(byte[] bytes) {
        checkOpen();
        TrainerState s = TrainerState.decode(bytes);
        if (!s.config().equals(model)) {
            throw new IllegalArgumentException("state belongs to " + s.config() + ", this trainer runs " + model);
        }
        setGeneratorState(s.rng());   // first: the one step libtorch may still reject
        adamw.restore(s.m(), s.v(), s.step());
        data.seek(s.dataPosition());
        step = s.step();
    }

    private byte[] generatorState() {
        try (PointerScope scope = new PointerScope()) {
            Tensor state = generator.get_state();    // uint8 CPU tensor
            byte[] out = new byte[(int) state.numel()];
            BytePointer p = state.data_ptr_byte();
            p.get(out, 0, out.length);
            return out;
        }
    }

    private void setGeneratorState(byte[] rng) {
        try (PointerScope scope = new PointerScope()) {
            Tensor state = Tensors.emptyBytes(rng.length);
            state.data_ptr_byte().put(rng, 0, rng.length);
            generator.set_state(state);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("trainer is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        gpt.close();
        adamw.close();
        params.close();
        generator.close();
    }
}
