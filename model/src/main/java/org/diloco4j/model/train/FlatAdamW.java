package org.diloco4j.model.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.ParamSpec;
import org.diloco4j.model.nativ.Generation;
import org.diloco4j.model.nativ.NativeF32;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.TorchDevice;

import java.io.IOException;

/**
 * AdamW over the whole flat parameter vector: a handful of fused element-wise libtorch ops per
 * step instead of a few per tensor, with the same arithmetic as {@code torch.optim.AdamW}
 * (single-tensor path):
 *
 * <pre>
 * θ ← θ − lr·wd·mask⊙θ                 (decoupled decay; mask = 1 on matmul/embedding weights)
 * m ← m + (1−β1)(g − m)                (lerp)
 * v ← β2·v + (1−β2)·g²
 * θ ← θ − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 * </pre>
 *
 * The state is two flat tensors and the step count; a checkpoint streams the tensors from their memory.
 * Create outside any {@code PointerScope}; {@link #step} allocates only inside the caller's scope.
 */
final class FlatAdamW implements AutoCloseable {
    private final AdamWConfig config;
    private final int size;
    private final Tensor m;          // (N,) first moment
    private final Tensor v;          // (N,) second moment
    private final Tensor decayMask;  // (N,) 1 where weight decay applies, else 0
    private final Tensor denom;      // (N,) scratch for the RMS term, reused every step
    private long steps;

    FlatAdamW(AdamWConfig config, ParamLayout layout, java.util.function.Predicate<ParamSpec> decays, TorchDevice device) {
        this.config = config;
        this.size = layout.arraySize();
        float[] mask = new float[size];
        for (ParamSpec p : layout.params()) {
            if (decays.test(p)) java.util.Arrays.fill(mask, p.range().arrayStart(), p.range().arrayEnd(), 1f);
        }
        try (PointerScope ignored = new PointerScope()) {
            m = keep(torch.zeros(new long[] {size}, device.floatOptions()));
            v = keep(torch.zeros(new long[] {size}, device.floatOptions()));
            denom = keep(torch.zeros(new long[] {size}, device.floatOptions()));
            Tensor hostMask = Tensors.zerosFloat(size);
            Tensors.copyIn(mask, hostMask);
            decayMask = keep(device.isCpu() ? hostMask : hostMask.to(device.floatOptions(), false, true,
                    new org.bytedeco.pytorch.MemoryFormatOptional()));
        }
    }

    /** Keeps {@code t} alive past the scope: the scope releases one reference, close() the other. */
    private static Tensor keep(Tensor t) {
        t.retainReference();
        return t;
    }

    AdamWConfig config() {
        return config;
    }

    /** Adam steps taken so far (t in the bias corrections). */
    long steps() {
        return steps;
    }

    /**
     * One AdamW update of {@code param} (N,) in place from {@code grad} (N,) at learning rate
     * {@code lr}. Call inside a {@code PointerScope} with gradient recording off.
     */
    void step(Tensor param, Tensor grad, double lr) {
        update(begin(lr), param, grad, 0, size);
    }

    /** Coefficients of one optimizer step, shared by the updates of all its ranges. */
    record StepCoefficients(double decay, double beta1Weight, double beta2, double beta2Weight,
                            double rmsScale, double eps, double stepSize) {
    }

    /** Starts optimizer step t + 1 at learning rate {@code lr}; apply it with {@link #update} to every range once. */
    StepCoefficients begin(double lr) {
        steps++;
        double b1 = config.beta1(), b2 = config.beta2();
        double bc1 = 1 - Math.pow(b1, steps);
        double bc2 = 1 - Math.pow(b2, steps);
        return new StepCoefficients(-lr * config.weightDecay(), 1 - b1, b2, 1 - b2, Math.sqrt(bc2), config.eps(), -lr / bc1);
    }

    /**
     * Applies a step to elements [offset, offset + length) of the flat vectors; disjoint ranges
     * may be updated concurrently from different threads. {@code param} and {@code grad} are the
     * full (N,) tensors. Call inside a {@code PointerScope} with gradient recording off.
     */
    void update(StepCoefficients c, Tensor param, Tensor grad, long offset, long length) {
        // narrow is a view (no copy), also of the whole vector.
        Tensor p = param.narrow(0, offset, length);
        Tensor g = grad.narrow(0, offset, length);
        Tensor mr = m.narrow(0, offset, length);
        Tensor vr = v.narrow(0, offset, length);
        Tensor d = denom.narrow(0, offset, length);
        if (c.decay() != 0) {
            Tensor mask = decayMask.narrow(0, offset, length);
            torch.addcmul_out(p, p, p, mask, new Scalar(c.decay()));        // θ −= lr·wd·mask⊙θ
        }
        mr.lerp_(g, new Scalar(c.beta1Weight()));                            // m += (1−β1)(g − m)
        vr.mul_(new Scalar(c.beta2()));
        torch.addcmul_out(vr, vr, g, g, new Scalar(c.beta2Weight()));        // v = β2 v + (1−β2) g²
        torch.sqrt_out(d, vr);
        d.div_(new Scalar(c.rmsScale())).add_(new Scalar(c.eps()));         // √v / √(1−β2^t) + ε
        torch.addcdiv_out(p, p, mr, d, new Scalar(c.stepSize()));            // θ −= lr/(1−β1^t) · m / denom
    }

    /**
     * The first moment, for a checkpoint: on the CPU a view, readable until {@code owner} advances
     * (its owner advances it on every step and restore); elsewhere a copy on the Java heap.
     */
    TensorData firstMoment(Generation owner) {
        return moment(m, owner);
    }

    /** The second moment, likewise. */
    TensorData secondMoment(Generation owner) {
        return moment(v, owner);
    }

    private TensorData moment(Tensor t, Generation owner) {
        if (t.is_cpu()) return NativeF32.view(t, owner);
        float[] out = new float[size];
        try (PointerScope ignored = new PointerScope()) {
            Tensors.copyOut(t.cpu(), out);
        }
        return TensorData.of(out);
    }

    /** Restores moments and step count saved by {@link #firstMoment} and {@link #secondMoment}, read a window at a time. */
    void restore(TensorData mIn, TensorData vIn, long stepCount) throws IOException {
        if (stepCount < 0) throw new IllegalArgumentException("AdamW step count " + stepCount);
        fill(m, mIn);
        fill(v, vIn);
        this.steps = stepCount;
    }

    private void fill(Tensor dst, TensorData src) throws IOException {
        if (src.numel() != size) throw new IllegalArgumentException("AdamW state has " + src.numel() + " floats, expected " + size);
        if (dst.is_cpu()) {
            NativeF32.fill(dst, src);
        } else {
            try (PointerScope ignored = new PointerScope()) {
                Tensor host = Tensors.zerosFloat(size);
                Tensors.copyIn(src.toFloats(), host);
                dst.copy_(host);
            }
        }
    }

    @Override
    public void close() {
        m.close();
        v.close();
        decayMask.close();
        denom.close();
    }
}
