package org.diloco4j.model.hf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diloco4j.core.params.ParamSpec;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptLayout;

/**
 * diloco4j's GPT ({@link GptLayout}) in the names and orientation of Hugging Face's
 * GPT2LMHeadModel. The architectures are the same, so the mapping is one to one: blocks.N is
 * transformer.h.N, and every matrix inside a block is HF's Conv1D, stored (in, out), the transpose
 * of our (out, in). c_attn's output is q | k | v along its last axis, as our qkv's rows are. The
 * embeddings keep their (rows, d) orientation, and the head is tied to wte, so HF has no lm_head
 * tensor of its own.
 */
public final class HfGpt2Layout {
    /** Renames inside a block, ours → HF's. */
    private static final Map<String, String> IN_BLOCK = Map.of(
            "ln1", "ln_1", "ln2", "ln_2", "attn.qkv", "attn.c_attn", "attn.proj", "attn.c_proj", "mlp.fc", "mlp.c_fc", "mlp.proj", "mlp.c_proj");

    private HfGpt2Layout() {
    }

    /** Every parameter of {@code c}, in diloco4j's flat order (which is also HF's module order). */
    public static List<HfParam> of(GptConfig c) {
        List<HfParam> out = new ArrayList<>();
        for (ParamSpec p : GptLayout.of(c).params()) {
            int[] s = p.shape();
            boolean matrix = p.name().startsWith("blocks.") && s.length == 2;
            long[] shape = matrix ? new long[] {s[1], s[0]} : Arrays.stream(s).asLongStream().toArray();
            out.add(new HfParam(p, hfName(p.name()), shape, matrix));
        }
        return out;
    }

    private static String hfName(String ours) {
        return switch (ours) {
            case "tok_emb.weight" -> "transformer.wte.weight";
            case "pos_emb.weight" -> "transformer.wpe.weight";
            case "ln_f.weight", "ln_f.bias" -> "transformer." + ours;
            default -> {
                // blocks.N.<module>.<weight|bias>
                String[] parts = ours.split("\\.", 3);
                String rest = parts[2];
                int dot = rest.lastIndexOf('.');
                String module = IN_BLOCK.get(rest.substring(0, dot));
                if (!parts[0].equals("blocks") || module == null) throw new IllegalStateException("no Hugging Face name for " + ours);
                yield "transformer.h." + parts[1] + "." + module + rest.substring(dot);
            }
        };
    }
}
