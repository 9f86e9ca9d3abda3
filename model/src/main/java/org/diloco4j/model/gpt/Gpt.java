package org.diloco4j.model.gpt;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Forward pass of the decoder-only GPT over parameters held in a {@link FlatParams}. Stateless
 * apart from the parameter views: call it inside a {@code PointerScope} so the activations it
 * creates are freed at the end of the step.
 *
 * <pre>
 * x = tok_emb[ids] + pos_emb[:T]                          (B, T, C)
 * per block: x += attn.proj(causal_sdpa(attn.qkv(ln1(x))))
 *            x += mlp.proj(gelu(mlp.fc(ln2(x))))
 * logits = ln_f(x) @ tok_emb^T                             (B, T, V)  (tied head)
 * </pre>
 */
public final class Gpt implements AutoCloseable {
    /** LayerNorm ε, as torch.nn.LayerNorm and Hugging Face GPT-2 default to. */
    public static final double LN_EPS = 1e-5;

    private final GptConfig config;
    private final Tensor tokEmb;        // (V, C), also the output head
    private final Tensor posEmb;        // (T, C)
    private final Block[] blocks;
    private final TensorOptional lnfW;  // (C)
    private final TensorOptional lnfB;  // (C)
    private final long[] normShape;     // {C}
    private final long headChunkFloats; // logits per chunk of the loss's head (ChunkedCrossEntropy)
    // Long-lived empty optionals reused every step: no attention mask, default softmax scale.
    private final TensorOptional noMask = new TensorOptional();
    private final DoubleOptional defaultScale = new DoubleOptional();
    private final List<Pointer> owned = new ArrayList<>();

    /** One transformer block's parameters; weights as PyTorch's Linear stores them, (out, in). */
    private record Block(
            TensorOptional ln1W, TensorOptional ln1B,     // (C), (C)
            Tensor qkvW, TensorOptional qkvB,             // (3C, C), (3C)
            Tensor projW, TensorOptional projB,           // (C, C), (C)
            TensorOptional ln2W, TensorOptional ln2B,     // (C), (C)
            Tensor fcW, TensorOptional fcB,               // (4C, C), (4C)
            Tensor mprojW, TensorOptional mprojB) {       // (C, 4C), (C)
    }

    /** Binds to the parameter views of {@code params}; create outside any {@code PointerScope}. */
    public Gpt(GptConfig config, FlatParams params) {
        this(config, params, ChunkedCrossEntropy.DEFAULT_CHUNK_FLOATS);
    }

    /** As above, with the loss computed {@code headChunkFloats} logits at a time when the logits would be larger (tests make it small). */
    Gpt(GptConfig config, FlatParams params, long headChunkFloats) {
        if (headChunkFloats < 1) throw new IllegalArgumentException("headChunkFloats must be >= 1, got " + headChunkFloats);
        this.headChunkFloats = headChunkFloats;
        if (!params.layout().equals(GptLayout.of(config))) {
            throw new IllegalArgumentException("parameters " + params.layout() + " do not match " + config);
        }
        this.config = config;
        this.tokEmb = params.get("tok_emb.weight");
        this.posEmb = params.get("pos_emb.weight");
        this.blocks = new Block[config.layers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "blocks." + i + ".";
            blocks[i] = new Block(
                    opt(params, p + "ln1.weight"), opt(params, p + "ln1.bias"),
                    params.get(p + "attn.qkv.weight"), opt(params, p + "attn.qkv.bias"),
                    params.get(p + "attn.proj.weight"), opt(params, p + "attn.proj.bias"),
                    opt(params, p + "ln2.weight"), opt(params, p + "ln2.bias"),
                    params.get(p + "mlp.fc.weight"), opt(params, p + "mlp.fc.bias"),
                    params.get(p + "mlp.proj.weight"), opt(params, p + "mlp.proj.bias"));
        }
        this.lnfW = opt(params, "ln_f.weight");
        this.lnfB = opt(params, "ln_f.bias");
        this.normShape = new long[] {config.dModel()};
    }

    public GptConfig config() {
        return config;
    }

    /** Next-token logits (B, T, V) for token ids (B, T) int64, T ≤ context. */
    public Tensor logits(Tensor ids, Dropout dropout) {
        Tensor x = hidden(ids, dropout);       // (B, T, C)
        return torch.linear(x, tokEmb);        // (B, T, V)
    }

    /**
     * Mean cross-entropy (scalar, nats per token) of predicting {@code targets} (B, T) from {@code ids} (B, T).
     * When the logits would be larger than one chunk (GPT-2's vocabulary) they are never built whole:
     * {@link ChunkedCrossEntropy}; below that, the plain path, bit for bit as it always was.
     */
    public Tensor loss(Tensor ids, Tensor targets, Dropout dropout) {
        long bt = ids.numel();
        if (ChunkedCrossEntropy.worthChunking(bt, config.vocabSize(), headChunkFloats)) {
            Tensor x = hidden(ids, dropout);   // (B, T, C)
            return ChunkedCrossEntropy.loss(x.view(bt, config.dModel()), tokEmb, targets.view(bt), headChunkFloats);
        }
        Tensor logits = logits(ids, dropout);  // (B, T, V)
        return torch.cross_entropy_loss(logits.view(bt, config.vocabSize()), targets.view(bt));
    }

    private Tensor hidden(Tensor ids, Dropout dropout) {
        if (ids.dim() != 2) throw new IllegalArgumentException("ids must be (B, T), got " + ids.dim() + " dims");
        long t = ids.size(1);
        if (t > config.context()) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds the model's context " + config.context());
        }
        Tensor x = torch.embedding(tokEmb, ids).add(posEmb.narrow(0, 0, t));  // (B, T, C) + (T, C)
        x = dropout.apply(x);
        for (Block b : blocks) x = block(b, x, dropout);
        return torch.layer_norm(x, normShape, lnfW, lnfB, LN_EPS, false);     // (B, T, C)
    }

    private Tensor block(Block b, Tensor x, Dropout dropout) {
        long bs = x.size(0), t = x.size(1), c = config.dModel(), h = config.heads(), hd = config.headDim();
        Tensor a = torch.layer_norm(x, normShape, b.ln1W(), b.ln1B(), LN_EPS, false);   // (B, T, C)
        Tensor qkv = torch.linear(a, b.qkvW(), b.qkvB());                              // (B, T, 3C)
        Tensor q = qkv.narrow(2, 0, c).view(bs, t, h, hd).transpose(1, 2);             // (B, H, T, hd)
        Tensor k = qkv.narrow(2, c, c).view(bs, t, h, hd).transpose(1, 2);             // (B, H, T, hd)
        Tensor v = qkv.narrow(2, 2 * c, c).view(bs, t, h, hd).transpose(1, 2);         // (B, H, T, hd)
        Tensor y = torch.scaled_dot_product_attention(q, k, v, noMask, 0.0, true, defaultScale, false); // (B, H, T, hd)
        y = y.transpose(1, 2).reshape(bs, t, c);                                       // (B, T, C)
        x = x.add(dropout.apply(torch.linear(y, b.projW(), b.projB())));               // (B, T, C)
        Tensor m = torch.layer_norm(x, normShape, b.ln2W(), b.ln2B(), LN_EPS, false);  // (B, T, C)
        m = torch.gelu(torch.linear(m, b.fcW(), b.fcB()));                            // (B, T, 4C)
        return x.add(dropout.apply(torch.linear(m, b.mprojW(), b.mprojB())));          // (B, T, C)
    }

    /** Wraps a parameter as the optional libtorch's functions take; the wrapper holds a reference we must release. */
    private TensorOptional opt(FlatParams params, String name) {
        TensorOptional o = new TensorOptional(params.get(name));
        owned.add(o);
        return o;
    }

    /** Releases the references this object holds on the parameters (the parameters stay with their {@link FlatParams}). */
    @Override
    public void close() {
        for (Pointer p : owned) p.close();
        owned.clear();
        noMask.close();
        defaultScale.close();
    }
}
