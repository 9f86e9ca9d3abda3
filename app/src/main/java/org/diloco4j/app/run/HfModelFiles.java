package org.diloco4j.app.run;

import org.diloco4j.app.config.RunConfig;
import org.diloco4j.core.io.AtomicFiles;
import org.diloco4j.model.data.token.Tokenizers;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.hf.HfGpt2;
import org.diloco4j.model.hf.HfGpt2Config;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A run's θ as Hugging Face GPT-2 files: model.safetensors and config.json side by side, the
 * folder transformers' {@code GPT2LMHeadModel.from_pretrained} loads. Each file is written
 * atomically, so a reader never sees half of one.
 */
public final class HfModelFiles {
    public static final String MODEL = "model.safetensors";
    public static final String CONFIG = HfGpt2Config.FILE;

    private HfModelFiles() {
    }

    /** Writes both files into {@code folder}, for the run configured by {@code cfg}. */
    public static void write(Path folder, RunConfig cfg, GptConfig gpt, float[] theta) throws IOException {
        AtomicFiles.write(folder.resolve(MODEL), out -> HfGpt2.write(out, gpt, theta));
        AtomicFiles.write(folder.resolve(CONFIG), HfGpt2Config.json(gpt, Tokenizers.byName(cfg.str("data.tokenizer")), cfg.dbl("train.dropout")));
    }
}
