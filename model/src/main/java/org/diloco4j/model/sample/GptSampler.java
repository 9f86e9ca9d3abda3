package org.diloco4j.model.sample;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.diloco4j.model.data.token.Tokenizer;
import org.diloco4j.model.gpt.Dropout;
import org.diloco4j.model.gpt.FlatParams;
import org.diloco4j.model.gpt.Gpt;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptLayout;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.TorchDevice;

/**
 * Generates text from a θ: autoregressive decoding on a model of its own, feeding at most the last
 * {@code context} tokens each step (no KV cache: at these sizes the full forward is cheap).
 */
public final class GptSampler implements AutoCloseable {
    private final GptConfig config;
    private final Tokenizer tokenizer;
    private final FlatParams params;
    private final Gpt gpt;
    private boolean closed;

    public GptSampler(GptConfig config, Tokenizer tokenizer) {
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException("tokenizer " + tokenizer.name() + " has " + tokenizer.vocabSize()
                    + " tokens but the model's vocabulary is " + config.vocabSize());
        }
        this.config = config;
        this.tokenizer = tokenizer;
        this.params = FlatParams.forInference(GptLayout.of(config), TorchDevice.CPU);
        this.gpt = new Gpt(config, params);
    }

    /** The prompt followed by {@code maxNewTokens} generated tokens, decoded. */
    public String generate(float[] theta, String prompt, int maxNewTokens, SamplingConfig sampling) {
        int[] promptIds = tokenizer.encode(prompt);
        int[] all = generateTokens(theta, promptIds, maxNewTokens, sampling);
        return tokenizer.decode(all);
    }

    /** {@code promptIds} followed by {@code maxNewTokens} sampled ids. */
    public int[] generateTokens(float[] theta, int[] promptIds, int maxNewTokens, SamplingConfig sampling) {
        if (closed) throw new IllegalStateException("sampler is closed");
        if (promptIds.length == 0) throw new IllegalArgumentException("the prompt must encode to at least one token");
        if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        for (int id : promptIds) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("prompt token " + id + " outside the vocabulary [0, " + config.vocabSize() + ")");
            }
        }
        params.load(theta);
        TokenPicker picker = new TokenPicker(sampling);
        int[] out = Arrays.copyOf(promptIds, promptIds.length + maxNewTokens);
        float[] row = new float[config.vocabSize()];
        for (int n = promptIds.length; n < out.length; n++) {
            int start = Math.max(0, n - config.context());
            int[] window = Arrays.copyOfRange(out, start, n);
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                Tensor ids = Tensors.emptyLong(1, window.length);                       // (1, t)
                Tensors.copyIds(window, ids);
                Tensor logits = gpt.logits(ids, Dropout.NONE);                           // (1, t, V)
                Tensor last = logits.select(1, window.length - 1).reshape(config.vocabSize()).contiguous(); // (V)
                Tensors.copyOut(last, row);
            }
            out[n] = picker.pick(row);
        }
        return out;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        gpt.close();
        params.close();
    }
}
