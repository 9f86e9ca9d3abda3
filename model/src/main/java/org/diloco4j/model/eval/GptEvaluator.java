package org.diloco4j.model.eval;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.core.train.Evaluator;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.data.token.Tokenizer;
import org.diloco4j.model.gpt.Dropout;
import org.diloco4j.model.gpt.FlatParams;
import org.diloco4j.model.gpt.Gpt;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptLayout;
import org.diloco4j.model.nativ.NativeTorch;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.ThreadTeam;
import org.diloco4j.model.nativ.TorchDevice;

/**
 * Held-out loss of a θ: loads it into this evaluator's own model (never a trainer's) and returns
 * the token-weighted mean cross-entropy over a fixed list of batches, in libtorch's inference
 * mode (no autograd bookkeeping), in fp32. The batches are shared out over a {@link ThreadTeam},
 * each member running single-threaded ops on the same read-only parameters; partial sums are
 * combined in batch order, so the result does not depend on the thread count beyond rounding.
 *
 * <p>The held-out batches are fixed for the evaluator's lifetime: every evaluation of a run scores
 * the same tokens, so consecutive points of a curve differ only by what θ learned. Their targets'
 * UTF-8 bytes are counted once (through the tokenizer), which gives bits per byte.
 */
public final class GptEvaluator implements Evaluator {
    private final GptConfig config;
    private final FlatParams params;
    private final Gpt gpt;
    private final List<Tensor[]> batches = new ArrayList<>();   // {ids (B, T), targets (B, T)} int64
    private final long[] tokens;
    private final long bytes;                                   // UTF-8 bytes of all targets
    private final ThreadTeam team;
    private boolean closed;

    private GptEvaluator(GptConfig config, List<TokenBatch> heldOut, Tokenizer tokenizer, TorchDevice device, int threads) {
        if (heldOut == null || heldOut.isEmpty()) throw new IllegalArgumentException("evaluation needs at least one batch");
        if (threads < 0) throw new IllegalArgumentException("evaluation threads must be >= 0 (0 = all processors), got " + threads);
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException("tokenizer " + tokenizer.name() + " has " + tokenizer.vocabSize()
                    + " ids but the model's vocabulary holds " + config.vocabSize());
        }
        this.config = config;
        long targetBytes = 0;
        for (int i = 0; i < heldOut.size(); i++) {    // before allocating anything
            checkBatch(heldOut.get(i), i);
            targetBytes += targetBytes(heldOut.get(i), tokenizer, i);
        }
        this.bytes = targetBytes;
        NativeTorch.setIntraOpThreads(1);   // parallelism comes from the team below
        this.params = FlatParams.forInference(GptLayout.of(config), device);
        this.gpt = new Gpt(config, params);
        this.tokens = new long[heldOut.size()];
        for (int i = 0; i < heldOut.size(); i++) {
            TokenBatch b = heldOut.get(i);
            tokens[i] = b.tokens();
            try (PointerScope scope = new PointerScope()) {
                Tensor ids = Tensors.idRows(b.inputs(), 0, b.batch(), b.context(), device);
                Tensor targets = Tensors.idRows(b.targets(), 0, b.batch(), b.context(), device);
                ids.retainReference();       // outlive the scope; released in close()
                targets.retainReference();
                batches.add(new Tensor[] {ids, targets});
            }
        }
        this.team = new ThreadTeam(Math.min(ThreadTeam.resolve(threads), heldOut.size()), "gpt-eval");
    }

    /**
     * An evaluator on the CPU using all processors, over {@code heldOut} (kept as tensors for its
     * lifetime), whose ids are {@code tokenizer}'s.
     */
    public static GptEvaluator create(GptConfig config, List<TokenBatch> heldOut, Tokenizer tokenizer) {
        return new GptEvaluator(config, heldOut, tokenizer, TorchDevice.CPU, 0);
    }

    /** An evaluator on {@code device} with {@code threads} threads (0 = all processors). */
    public static GptEvaluator create(GptConfig config, List<TokenBatch> heldOut, Tokenizer tokenizer, TorchDevice device,
                                      int threads) {
        return new GptEvaluator(config, heldOut, tokenizer, device, threads);
    }

    /** UTF-8 bytes of text the held-out targets stand for (the same at every evaluation). */
    public long bytes() {
        return bytes;
    }

    @Override
    public EvalResult evaluate(float[] theta) {
        if (closed) throw new IllegalStateException("evaluator is closed");
        params.load(theta);
        double[] losses = new double[batches.size()];
        int members = team.size();
        team.run(members, k -> {
            try (InferenceMode guard = new InferenceMode()) {
                for (int i = k; i < batches.size(); i += members) {
                    // One scope per batch: a batch's intermediate tensors are freed before the next one's are made.
                    try (PointerScope scope = new PointerScope()) {
                        Tensor[] b = batches.get(i);
                        losses[i] = gpt.loss(b[0], b[1], Dropout.NONE).item_double();
                    }
                }
            }
        });
        double weighted = 0;
        long total = 0;
        for (int i = 0; i < losses.length; i++) {
            weighted += losses[i] * tokens[i];
            total += tokens[i];
        }
        return new EvalResult(weighted / total, total, bytes);
    }

    private static long targetBytes(TokenBatch b, Tokenizer tokenizer, int index) {
        long n = 0;
        for (int id : b.targets()) {
            try {
                n += tokenizer.byteLength(id);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("held-out batch " + index + ": " + e.getMessage(), e);
            }
        }
        return n;
    }

    private void checkBatch(TokenBatch b, int index) {
        if (b.context() > config.context()) {
            throw new IllegalArgumentException("held-out batch " + index + " has context " + b.context()
                    + " > model context " + config.context());
        }
        for (int[] a : new int[][] {b.inputs(), b.targets()}) {
            for (int id : a) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("held-out batch " + index + " has token id " + id
                            + " outside the vocabulary [0, " + config.vocabSize() + ")");
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        team.close();
        for (Tensor[] b : batches) {
            b[0].close();
            b[1].close();
        }
        gpt.close();
        params.close();
    }
}
