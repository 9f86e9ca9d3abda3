package org.diloco4j.app.run;

import org.diloco4j.app.config.RunConfig;
import org.diloco4j.model.data.token.Tokenizer;
import org.diloco4j.model.sample.GptSampler;
import org.diloco4j.model.sample.SamplingConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The text samples a run records at its end: {@code report.samples} continuations of
 * {@code report.sample_prompt} from the final global θ, with seeds {@code seed}, {@code seed + 1}, …
 * so the report of a run is reproducible.
 */
public final class RunSamples {
    /** The sampling settings of the recorded samples, also {@code diloco sample}'s defaults. */
    public static final double TEMPERATURE = 0.8;
    public static final int TOP_K = 40;

    private RunSamples() {
    }

    /** The run's samples from {@code theta} (none when {@code report.samples} is 0). */
    public static List<TextSample> of(RunSetup setup, float[] theta) {
        RunConfig c = setup.config();
        int n = c.integer("report.samples");
        List<TextSample> out = new ArrayList<>(n);
        if (n == 0) return out;
        String prompt = c.str("report.sample_prompt");
        int tokens = c.integer("report.sample_tokens");
        Tokenizer tok = setup.corpus().tokenizer();
        try (GptSampler sampler = new GptSampler(setup.gpt(), tok)) {
            for (int i = 0; i < n; i++) {
                long seed = c.lng("seed") + i;
                String text = continuation(sampler, tok, theta, prompt, tokens, new SamplingConfig(TEMPERATURE, TOP_K, seed));
                out.add(new TextSample(i, prompt, text, tokens, seed, TEMPERATURE, TOP_K));
            }
        }
        return out;
    }

    /**
     * {@code tokens} tokens sampled after {@code prompt}, decoded, without the prompt. An empty
     * prompt starts from end-of-text: documents in the training stream are separated by it, so the
     * model begins a new document.
     */
    public static String continuation(GptSampler sampler, Tokenizer tok, float[] theta, String prompt, int tokens, SamplingConfig sampling) {
        int[] start = prompt.isEmpty() ? new int[] {tok.endOfText()} : tok.encode(prompt);
        int[] all = sampler.generateTokens(theta, start, tokens, sampling);
        return tok.decode(Arrays.copyOfRange(all, start.length, all.length));
    }
}
