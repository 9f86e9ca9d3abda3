package org.diloco4j.model.gpt;

import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Mean cross-entropy of the tied head, {@code CE(h @ W^T, targets)}, computed a few rows at a time
 * so that the (B·T, V) logits never exist whole, with an exact backward.
 *
 * <p>Why: with GPT-2's 50,257 tokens the logits of one 16 × 128 batch are 412 MB in fp32, and
 * autograd keeps them, their log-softmax and their gradient alive at once. Buffers that large are
 * mmap'd by glibc malloc on every allocation and unmapped on every free, so each step page-faulted
 * ~1.6 GB of fresh zeroed memory: 417k minor faults per step and as much system CPU time as user
 * time (docs/bench/large-vocab.md). Chunks of at most {@link #DEFAULT_CHUNK_FLOATS} floats stay
 * below glibc's mmap threshold after the first free, so the same heap memory is reused every step.
 *
 * <p>How: with gradients enabled, each chunk's gradient is computed while its logits exist —
 * ∂CE/∂logits = (softmax − onehot(target)) / N — giving ∂/∂h (rows of G_h) and ∂/∂W (summed into
 * G_W). The returned scalar is {@code loss + S − S.detach()} with {@code S = Σ h·G_h + Σ W·G_W}
 * (G detached): its value is the loss exactly (S − S is 0) and its gradient is G_h for h and G_W
 * for W, scaled by whatever flows into it — so {@code loss.mul(w).backward()} works as for
 * {@code torch.cross_entropy_loss}. Under bf16 autocast the chunk matmuls run in bf16 and the
 * softmax in fp32.
 */
final class ChunkedCrossEntropy {
    /**
     * Logit floats per chunk: 7M = 28 MB, under glibc's largest dynamic mmap threshold (32 MB), so a
     * freed chunk's memory is reused rather than unmapped; 146 rows at GPT-2's vocabulary. Smaller
     * chunks cost matmul efficiency: 2M floats took 23 % more user time (docs/bench/large-vocab.md).
     */
    static final long DEFAULT_CHUNK_FLOATS = 7L << 20;

    private ChunkedCrossEntropy() {
    }

    /** Whether rows × vocab logits are larger than one chunk (below that, the plain path is as good and stays bit-identical). */
    static boolean worthChunking(long rows, long vocab, long chunkFloats) {
        return rows * vocab > chunkFloats;
    }

    /**
     * @param h       (N, C) final hidden states, part of the autograd graph
     * @param w       (V, C) the tied token embedding (a leaf parameter)
     * @param targets (N) int64 target ids
     * @return the mean cross-entropy, a scalar whose backward reaches h and w
     */
    static Tensor loss(Tensor h, Tensor w, Tensor targets, long chunkFloats) {
        long n = h.size(0), v = w.size(0);
        long rows = Math.max(1, chunkFloats / v);
        boolean grad = GradMode.is_enabled() && (h.requires_grad() || w.requires_grad());
        Tensor hd = h.detach();
        Tensor gh = grad ? torch.zeros_like(hd) : null;   // (N, C) ∂loss/∂h
        Tensor gw = grad ? torch.zeros_like(w) : null;    // (V, C) ∂loss/∂W through the head
        Tensor sum = null;                                // Σ per-row cross-entropy, fp32
        Scalar one = new Scalar(1.0), invN = new Scalar(1.0 / n);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (long s = 0; s < n; s += rows) {
                long r = Math.min(rows, n - s);
                Tensor hc = hd.narrow(0, s, r);                                       // (r, C)
                Tensor idx = targets.narrow(0, s, r).unsqueeze(1);                    // (r, 1)
                Tensor logits = torch.linear(hc, w).to(ScalarType.Float);             // (r, V)
                Tensor lse = logits.logsumexp(new long[] {1}, true);                  // (r, 1)
                Tensor rowLoss = lse.sub(logits.gather(1, idx));                      // (r, 1)
                sum = sum == null ? rowLoss.sum() : sum.add(rowLoss.sum());
                if (!grad) continue;
                Tensor p = logits.sub_(lse).exp_();                                   // (r, V) softmax, in place
                p.scatter_(1, idx, p.gather(1, idx).sub(one));                        // − onehot(target)
                p.mul_(invN);                                                         // mean over N rows
                gh.narrow(0, s, r).copy_(p.mm(w));                                    // (r, C)
                gw.addmm_(p.t(), hc);                                                 // (V, C) += (V, r) @ (r, C)
            }
        }
        Tensor loss = sum.mul(invN);
        if (!grad) return loss;
        Tensor surrogate = h.mul(gh).sum().add(w.mul(gw).sum());
        return loss.add(surrogate.sub(surrogate.detach()));
    }
}
