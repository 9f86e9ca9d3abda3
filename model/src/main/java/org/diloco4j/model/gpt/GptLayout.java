package org.diloco4j.model.gpt;

import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.ParamSpec;

/**
 * Names, shapes and order of the GPT's parameters in the flat vector. The names are a contract:
 * the streaming fragment planner groups tensors by their {@code blocks.<i>.} prefix, and the
 * PyTorch golden fixture writes θ in exactly this order.
 */
public final class GptLayout {
    private GptLayout() {
    }

    public static ParamLayout of(GptConfig c) {
        int d = c.dModel();
        ParamLayout.Builder b = ParamLayout.builder()
                .add("tok_emb.weight", c.vocabSize(), d)
                .add("pos_emb.weight", c.context(), d);
        for (int i = 0; i < c.layers(); i++) {
            String p = "blocks." + i + ".";
            b.add(p + "ln1.weight", d).add(p + "ln1.bias", d)
                    .add(p + "attn.qkv.weight", 3 * d, d).add(p + "attn.qkv.bias", 3 * d)
                    .add(p + "attn.proj.weight", d, d).add(p + "attn.proj.bias", d)
                    .add(p + "ln2.weight", d).add(p + "ln2.bias", d)
                    .add(p + "mlp.fc.weight", 4 * d, d).add(p + "mlp.fc.bias", 4 * d)
                    .add(p + "mlp.proj.weight", d, 4 * d).add(p + "mlp.proj.bias", d);
        }
        return b.add("ln_f.weight", d).add("ln_f.bias", d).build();
    }

    /**
     * Whether AdamW's weight decay applies: matmul and embedding weights (every 2-D tensor), never
     * biases or LayerNorm gains — the nanoGPT / GPT-3 convention.
     */
    public static boolean decays(ParamSpec p) {
        return p.shape().length >= 2;
    }

    /** Residual-stream output projections, whose init is scaled by 1/sqrt(2 * layers) (GPT-2). */
    static boolean isResidualProjection(String name) {
        return name.endsWith(".attn.proj.weight") || name.endsWith(".mlp.proj.weight");
    }
}
