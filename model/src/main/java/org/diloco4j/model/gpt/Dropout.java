package org.diloco4j.model.gpt;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Inverted dropout on the residual stream (after the embeddings and after each attention and MLP
 * output projection), drawing its masks from a generator owned by the training thread (not
 * libtorch's process-wide one) so that a checkpoint can save and restore the random stream. Attention-probability dropout is not offered: libtorch's
 * fused attention would draw from the process-wide generator, which several trainers in one JVM
 * share.
 */
public final class Dropout {
    /** No dropout: evaluation, sampling, and training with p = 0. */
    public static final Dropout NONE = new Dropout(0, null);

    private final double p;
    private final GeneratorOptional generator;

    private Dropout(double p, GeneratorOptional generator) {
        this.p = p;
        this.generator = generator;
    }

    /** Dropout with probability {@code p} in [0, 1), masks drawn from {@code generator}. */
    public static Dropout of(double p, Generator generator) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        return p == 0 ? NONE : new Dropout(p, new GeneratorOptional(generator));
    }

    public double p() {
        return p;
    }

    Tensor apply(Tensor x) {
        if (p == 0) return x;
        Tensor keep = torch.empty_like(x).bernoulli_(1 - p, generator);   // same shape as x, 1 with prob 1-p
        return x.mul(keep.div_(new Scalar(1 - p)));
    }
}
