package org.diloco4j.app.config;

import org.diloco4j.model.gpt.GptConfig;

/**
 * The GPT a config's model keys describe: the one definition behind both the model a run trains
 * (RunSetup) and the model the simulator times for a worker that names a device ({@link StepTimes}),
 * so the two cannot drift apart. Here, not in app.run, because config must not depend on run.
 */
public final class ModelKeys {
    private ModelKeys() {
    }

    /** The GPT of {@code cfg}'s model.layers, model.d_model, model.heads and model.context over {@code vocab} tokens. */
    public static GptConfig gpt(RunConfig cfg, int vocab) {
        return new GptConfig(vocab, cfg.integer("model.layers"), cfg.integer("model.d_model"), cfg.integer("model.heads"),
                cfg.integer("model.context"));
    }
}
