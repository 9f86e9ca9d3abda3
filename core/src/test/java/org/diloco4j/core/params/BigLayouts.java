package org.diloco4j.core.params;

/** Layouts far past 2^31 floats, for tests of the long-addressed layout (nothing is allocated). */
public final class BigLayouts {
    private BigLayouts() {
    }

    /**
     * A 70B-class layout with Llama-2-70B's widths (d = 8192, 80 blocks, an MLP of 3 × d × 28672, a
     * 32000-token vocabulary, untied head) but full multi-head attention (4 d² per block): about 78B floats.
     */
    public static ParamLayout seventyB() {
        int d = 8192, ff = 28672, vocab = 32000, layers = 80;
        ParamLayout.Builder b = ParamLayout.builder().add("tok_emb", vocab, d);
        for (int i = 0; i < layers; i++) {
            String p = "blocks." + i + ".";
            b.add(p + "ln1.weight", d).add(p + "attn.qkv.weight", d, 3 * d).add(p + "attn.proj.weight", d, d)
                    .add(p + "ln2.weight", d).add(p + "mlp.gate.weight", d, ff).add(p + "mlp.up.weight", d, ff).add(p + "mlp.down.weight", ff, d);
        }
        return b.add("ln_f.weight", d).add("head.weight", d, vocab).build();
    }

    /** Floats in one block of seventyB(). */
    public static long blockFloats() {
        long d = 8192, ff = 28672;
        return d + 3 * d * d + d * d + d + 3 * d * ff;
    }
}
