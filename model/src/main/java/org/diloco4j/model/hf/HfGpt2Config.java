package org.diloco4j.model.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diloco4j.model.data.token.Tokenizer;
import org.diloco4j.model.gpt.Gpt;
import org.diloco4j.model.gpt.GptConfig;

/**
 * config.json for transformers' GPT2LMHeadModel describing diloco4j's GPT exactly: exact-erf GELU
 * ("gelu": Gpt calls torch.gelu without the tanh approximation, which HF calls "gelu_new" and
 * which its own gpt2 checkpoints use), LayerNorm ε {@link Gpt#LN_EPS}, the 4C MLP (n_inner null),
 * a tied head, and dropout only where diloco4j has it (embeddings and residual branches).
 */
public final class HfGpt2Config {
    /** Its name beside model.safetensors, where from_pretrained looks for it. */
    public static final String FILE = "config.json";

    private HfGpt2Config() {
    }

    /**
     * @param tokenizer the run's: its vocabulary is vocab_size, and its end-of-text id (50256 for
     *                  GPT-2 BPE, 255 for bytes) is the bos and eos token, as in GPT-2
     * @param dropout   the run's train.dropout
     */
    public static byte[] json(GptConfig c, Tokenizer tokenizer, double dropout) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("GPT2LMHeadModel"));
        m.put("model_type", "gpt2");
        m.put("vocab_size", c.vocabSize());
        m.put("n_positions", c.context());
        m.put("n_ctx", c.context());
        m.put("n_embd", c.dModel());
        m.put("n_layer", c.layers());
        m.put("n_head", c.heads());
        m.put("n_inner", null);
        m.put("activation_function", "gelu");
        m.put("layer_norm_epsilon", Gpt.LN_EPS);
        m.put("resid_pdrop", dropout);
        m.put("embd_pdrop", dropout);
        m.put("attn_pdrop", 0.0);
        m.put("scale_attn_weights", true);
        m.put("tie_word_embeddings", true);
        m.put("bos_token_id", tokenizer.endOfText());
        m.put("eos_token_id", tokenizer.endOfText());
        m.put("torch_dtype", "float32");
        // Not read by transformers; says how text becomes ids (docs: "Export to Hugging Face").
        m.put("diloco4j_tokenizer", tokenizer.name());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serialises", e);
        }
    }

    /** Checks that {@code file}, if it exists, gives model {@code c}'s head count: no tensor's shape tells it. */
    static void requireHeads(Path file, GptConfig c) throws IOException {
        if (!Files.isRegularFile(file)) return;
        JsonNode heads;
        try {
            heads = new ObjectMapper().readTree(file.toFile()).path("n_head");
        } catch (JsonProcessingException e) {
            throw new HfFormatException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (heads.isInt() && heads.asInt() != c.heads()) {
            throw new HfFormatException(file + " says n_head " + heads.asInt() + "; the configured model has " + c.heads() + " heads");
        }
    }
}
