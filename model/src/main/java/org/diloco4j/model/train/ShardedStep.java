package org.diloco4j.model.train;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.gpt.Dropout;
import org.diloco4j.model.gpt.FlatParams;
import org.diloco4j.model.gpt.Gpt;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.nativ.Autocast;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.ThreadTeam;

/**
 * One inner step (forward, backward, gradient reduction, clipping, AdamW) spread over N Java
 * threads, with every libtorch op itself single-threaded.
 *
 * <p>Why: libtorch's element-wise kernels run on its OpenMP pool while its fp32 matmuls run on
 * OpenBLAS's own pthread pool; on a few cores the two pools' idle-spinning threads steal each
 * other's cores. docs/bench/gpt-throughput.md (2 cores): with either pool at 2 threads, 0.45–0.96×
 * PyTorch depending on the arrangement (0.45–0.67× unless OpenMP waits passively); as here,
 * 1.06× median over three rounds (0.98–1.16×). Here there is no pool at all: thread k runs forward and backward on rows [k·B/N, (k+1)·B/N) of the batch through
 * its own leaf views of the shared θ ({@link FlatParams#replicaOf}) into its own gradient buffer,
 * then each thread reduces, clips and updates its own slice of the flat vectors. Each phase is
 * one hand-off per thread instead of one per op.
 *
 * <p>The batch loss is Σ_k w_k · loss_k and the gradient Σ_k w_k · g_k with w_k = rows_k / B, the
 * same as one pass over the whole batch up to fp32 rounding. Each shard back-propagates w_k ·
 * loss_k, so the reduction is a plain sum, in a fixed order: a run is bit-reproducible for a given
 * N.
 */
final class ShardedStep implements AutoCloseable {
    private static final long DROPOUT_SEED_SALT = 0x9E3779B97F4A7C15L;

    private final TrainerConfig config;
    private final FlatParams params;      // θ; its gradient buffer holds the reduced gradient
    private final FlatAdamW adamw;
    private final GptConfig model;
    private final int threads;
    private final Generator[] generators; // per thread: its dropout stream (all threads, for the state)
    private final Dropout[] dropouts;
    private final Replica[] replicas;     // per thread, built when a batch first has a row for it
    private final long[] sliceStart;      // per thread: its slice of the flat vectors
    private final long[] sliceLength;
    private final ThreadTeam team;        // thread k runs replica k and slice k; the caller is thread 0

    /**
     * One thread's view of the model: leaf views of θ and its own (N,) gradient buffer. Thread 0
     * uses θ itself; the others' replicas are made only once a batch has rows for them.
     */
    private record Replica(FlatParams params, Gpt gpt) {
    }

    ShardedStep(GptConfig model, TrainerConfig config, FlatParams params, FlatAdamW adamw, int threads, long seed) {
        if (threads < 1) throw new IllegalArgumentException("threads " + threads);
        this.model = model;
        this.config = config;
        this.params = params;
        this.adamw = adamw;
        this.threads = threads;
        this.generators = new Generator[threads];
        this.dropouts = new Dropout[threads];
        for (int k = 0; k < threads; k++) {
            generators[k] = torch.createCPUGenerator((seed ^ DROPOUT_SEED_SALT) + k);
            dropouts[k] = Dropout.of(config.dropout(), generators[k]);
        }
        this.replicas = new Replica[threads];
        replicas[0] = new Replica(params, new Gpt(model, params));
        long n = params.layout().size();
        this.sliceStart = new long[threads];
        this.sliceLength = new long[threads];
        for (int k = 0; k < threads; k++) {
            sliceStart[k] = n * k / threads;
            sliceLength[k] = n * (k + 1) / threads - sliceStart[k];
        }
        this.team = new ThreadTeam(threads, "gpt-inner-step");
    }

    /**
     * What one step measured.
     *
     * @param loss     the batch's mean loss before the update
     * @param gradNorm global L2 norm of the reduced gradient before clipping (what the clip compares with its threshold)
     */
    record Result(float loss, double gradNorm) {
    }

    /** Runs one step on {@code batch} at learning rate {@code lr}. */
    Result run(TokenBatch batch, double lr) {
        int active = Math.min(threads, batch.batch());   // fewer rows than threads: some sit out
        int[] rowStart = new int[active + 1];
        for (int k = 0; k <= active; k++) rowStart[k] = batch.batch() * k / active;
        double[] weights = new double[active];
        for (int k = 0; k < active; k++) weights[k] = (rowStart[k + 1] - rowStart[k]) / (double) batch.batch();
        float[] losses = new float[active];
        team.run(active, k -> losses[k] = forwardBackward(k, batch, rowStart[k], rowStart[k + 1], weights[k]));

        double[] sumSquares = new double[threads];
        team.run(threads, k -> sumSquares[k] = reduceSlice(k, active));

        double norm = Math.sqrt(Arrays.stream(sumSquares).sum());
        double clip = config.gradClip() > 0 ? config.gradClip() / (norm + 1e-6) : 1;  // clip_grad_norm_'s coefficient
        FlatAdamW.StepCoefficients step = adamw.begin(lr);
        team.run(threads, k -> updateSlice(k, clip, step));

        double loss = 0;
        for (int k = 0; k < active; k++) loss += weights[k] * losses[k];
        return new Result((float) loss, norm);
    }

    /**
     * Thread k's replica, built on first use. Called from task k itself (for k ≥ 1 a team thread,
     * outside any PointerScope at this point), so what FlatParams and Gpt allocate outlives the
     * step; ThreadTeam's hand-offs publish the array slot to the other threads.
     */
    private Replica replica(int k) {
        Replica r = replicas[k];
        if (r != null) return r;
        FlatParams p = FlatParams.replicaOf(params);
        try {
            r = new Replica(p, new Gpt(model, p));
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
        replicas[k] = r;
        return r;
    }

    /** Rows [from, to) through thread k's replica: the gradient of weight · loss into its buffer; returns the loss. */
    private float forwardBackward(int k, TokenBatch batch, int from, int to, double weight) {
        Replica r = replica(k);
        try (PointerScope scope = new PointerScope()) {
            int t = batch.context();
            Tensor ids = Tensors.idRows(batch.inputs(), from, to - from, t, config.device());        // (rows, T)
            Tensor targets = Tensors.idRows(batch.targets(), from, to - from, t, config.device());   // (rows, T)
            r.params().zeroGrad();
            Tensor loss;
            if (config.precision() == Precision.BF16) {
                try (Autocast ignored = Autocast.bf16(config.device())) {
                    loss = r.gpt().loss(ids, targets, dropouts[k]);
                }
            } else {
                loss = r.gpt().loss(ids, targets, dropouts[k]);
            }
            (weight == 1 ? loss : loss.mul(new Scalar(weight))).backward();
            return loss.item_float();
        }
    }

    /** Slice k of the gradient: sum of the (pre-weighted) replica gradients into thread 0's buffer; returns Σg². */
    private double reduceSlice(int k, int active) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor acc = replicas[0].params().grad().narrow(0, sliceStart[k], sliceLength[k]);
            for (int j = 1; j < active; j++) acc.add_(replicas[j].params().grad().narrow(0, sliceStart[k], sliceLength[k]));
            double norm = acc.norm().item_double();
            return norm * norm;
        }
    }

    /** Slice k: clip the reduced gradient, then AdamW on θ, m and v. */
    private void updateSlice(int k, double clip, FlatAdamW.StepCoefficients step) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor grad = params.grad();
            if (clip < 1) grad.narrow(0, sliceStart[k], sliceLength[k]).mul_(new Scalar(clip));
            adamw.update(step, params.flat(), grad, sliceStart[k], sliceLength[k]);
        }
    }

    /** The dropout generators' states, one per thread. */
    byte[][] generatorStates() {
        byte[][] out = new byte[threads][];
        for (int k = 0; k < threads; k++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor state = generators[k].get_state();    // uint8 CPU tensor
                out[k] = new byte[(int) state.numel()];
                BytePointer p = state.data_ptr_byte();
                p.get(out[k], 0, out[k].length);
            }
        }
        return out;
    }

    void setGeneratorStates(byte[][] states) {
        if (states.length != threads) {
            if (config.dropout() > 0) {
                throw new IllegalArgumentException("state holds " + states.length + " dropout streams but this trainer runs "
                        + threads + " threads; resume with trainer.threads = " + states.length);
            }
            return;   // no dropout: the streams are never drawn from
        }
        for (int k = 0; k < threads; k++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor state = Tensors.emptyBytes(states[k].length);
                state.data_ptr_byte().put(states[k], 0, states[k].length);
                generators[k].set_state(state);
            }
        }
    }

    @Override
    public void close() {
        team.close();
        for (int k = threads - 1; k >= 0; k--) {
            if (replicas[k] != null) {
                replicas[k].gpt().close();
                if (k > 0) replicas[k].params().close();
            }
            generators[k].close();
        }
    }
}
