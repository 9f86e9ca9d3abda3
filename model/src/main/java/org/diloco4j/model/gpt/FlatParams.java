package org.diloco4j.model.gpt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.ParamSpec;
import org.diloco4j.model.nativ.Generation;
import org.diloco4j.model.nativ.NativeF32;
import org.diloco4j.model.nativ.NativeTorch;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.TorchDevice;

/**
 * All parameters of a model as leaf views into ONE flat fp32 tensor, laid out as the
 * {@link ParamLayout} says. Reading or writing θ is a single memcpy, and the optimizer's in-place
 * updates of the flat tensor are what the model computes with.
 *
 * <p>With gradients enabled, every parameter's {@code .grad} is likewise a view into one flat
 * gradient tensor: autograd accumulates into an existing grad in place, so after backward the
 * whole gradient sits in {@link #grad()} and clipping or AdamW act on it as one vector.
 *
 * <p>Create outside any {@code PointerScope} (these tensors live as long as the model) and
 * {@link #close()} when done.
 */
public final class FlatParams implements AutoCloseable {
    private final ParamLayout layout;
    private final TorchDevice device;
    private final Tensor flat;          // (N,) fp32: θ in layout order
    private final Tensor grad;          // (N,) fp32: ∂loss/∂θ in layout order; null without gradients
    private final Tensor host;          // (N,) fp32 on the CPU: staging for non-CPU devices, else flat
    private final Map<String, Tensor> views = new LinkedHashMap<>();
    private final Tensor[] keep;        // every tensor this object owns, for close()
    private boolean closed;

    /** New flat θ, or (with {@code shared} non-null) new leaf views of {@code shared}'s θ. */
    private FlatParams(ParamLayout layout, TorchDevice device, boolean withGrad, FlatParams shared) {
        NativeTorch.load();
        device.requireAvailable();
        this.layout = layout;
        this.device = device;
        long n = layout.size();
        List<Tensor> owned = new ArrayList<>();
        // Temporaries (options, narrow() results) die with the scope; what we keep holds an extra reference.
        try (PointerScope ignored = new PointerScope()) {
            this.flat = shared != null ? shared.flat : keep(owned, torch.zeros(new long[] {n}, device.floatOptions()));
            this.grad = withGrad ? keep(owned, torch.zeros(new long[] {n}, device.floatOptions())) : null;
            this.host = shared != null ? shared.host : device.isCpu() ? flat : keep(owned, Tensors.zerosFloat(n));
            for (ParamSpec p : layout.params()) {
                long[] shape = Arrays.stream(p.shape()).asLongStream().toArray();
                // detach(): a fresh leaf sharing flat's storage, so autograd treats it as a parameter.
                Tensor v = keep(owned, flat.narrow(0, p.offset(), p.numel()).view(shape).detach());
                if (withGrad) {
                    v.set_requires_grad(true);
                    Tensor g = keep(owned, grad.narrow(0, p.offset(), p.numel()).view(shape));
                    v.mutable_grad().put(g);   // shallow assignment: v.grad now aliases the flat gradient
                }
                views.put(p.name(), v);
            }
        }
        this.keep = owned.toArray(Tensor[]::new);
    }

    /** Keeps {@code t} alive past the scope: the scope releases one reference, close() the other. */
    private static Tensor keep(List<Tensor> owned, Tensor t) {
        t.retainReference();
        owned.add(t);
        return t;
    }

    /** Parameters with flat gradients, for training. */
    public static FlatParams forTraining(ParamLayout layout, TorchDevice device) {
        return new FlatParams(layout, device, true, null);
    }

    /** Parameters without gradients, for evaluation and sampling. */
    public static FlatParams forInference(ParamLayout layout, TorchDevice device) {
        return new FlatParams(layout, device, false, null);
    }

    /**
     * A second set of leaf views onto the SAME θ, with its own flat gradient: lets several threads
     * run forward and backward on different rows of a batch concurrently, each accumulating into
     * its own gradient buffer (no shared autograd accumulator, a fixed reduction order). Closing
     * the replica leaves {@code base}'s θ alone; close it before {@code base}.
     */
    public static FlatParams replicaOf(FlatParams base) {
        return new FlatParams(base.layout, base.device, true, base);
    }

    public ParamLayout layout() {
        return layout;
    }

    public TorchDevice device() {
        return device;
    }

    /** The (N,) fp32 tensor all parameters are views of. */
    public Tensor flat() {
        return flat;
    }

    /** The (N,) fp32 gradient tensor all {@code .grad}s are views of. */
    public Tensor grad() {
        if (grad == null) throw new IllegalStateException("these parameters were created without gradients");
        return grad;
    }

    /** The leaf view of one parameter, shaped as its {@link ParamSpec}. */
    public Tensor get(String name) {
        Tensor t = views.get(name);
        if (t == null) throw new IllegalArgumentException("no parameter named " + name + " in " + layout);
        return t;
    }

    /** θ ← theta (one copy). */
    public void load(float[] theta) {
        checkLength(theta);
        Tensors.copyIn(theta, host);
        if (host != flat) flat.copy_(host);
    }

    /** out ← θ (one copy). */
    public void read(float[] out) {
        checkLength(out);
        if (host != flat) host.copy_(flat);
        Tensors.copyOut(host, out);
    }

    /**
     * θ for a checkpoint to stream from: a view of the CPU tensor (staged there first off the CPU),
     * readable until {@code owner} advances, which its owner does whenever θ changes.
     */
    public TensorData view(Generation owner) {
        if (host != flat) host.copy_(flat);
        return NativeF32.view(host, owner);
    }

    /** θ ← {@code theta}, read a window at a time into θ's memory. */
    public void load(TensorData theta) throws IOException {
        NativeF32.fill(host, theta);
        if (host != flat) flat.copy_(host);
    }

    /** Copies the flat gradient into {@code out}. */
    public void readGrad(float[] out) {
        checkLength(out);
        if (device.isCpu()) {
            Tensors.copyOut(grad(), out);
        } else {
            host.copy_(grad());
            Tensors.copyOut(host, out);
        }
    }

    /** Zeroes every gradient at once (they are views of one tensor). */
    public void zeroGrad() {
        grad().zero_();
    }

    private void checkLength(float[] a) {
        if (a.length != layout.size()) {
            throw new IllegalArgumentException("θ has " + a.length + " floats, the layout expects " + layout.size());
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Tensor t : keep) t.close();
    }
}
