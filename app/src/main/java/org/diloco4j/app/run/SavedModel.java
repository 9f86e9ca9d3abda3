package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.model.data.token.Tokenizers;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's global θ and the model it belongs to, read back without the run's corpus (the tokenizer
 * alone gives the vocabulary): what export needs, on any machine the run directory is copied to.
 * θ is model.bin, or the simulator checkpoint's if the run has not finished.
 */
public record SavedModel(RunConfig config, GptConfig gpt, float[] theta) {
    public static SavedModel load(Path runDir) {
        RunDirectory dir = RunDirectory.existing(runDir);
        requireTheta(dir);
        RunConfig cfg = ConfigLoader.loadSaved(dir.config());
        GptConfig gpt = RunSetup.gptConfig(cfg, Tokenizers.byName(cfg.str("data.tokenizer")).vocabSize());
        return new SavedModel(cfg, gpt, theta(dir, GptLayout.of(gpt).arraySize()));
    }

    /** Fails at once, with what to do, if the run has saved no θ yet. */
    static void requireTheta(RunDirectory dir) {
        if (!Files.isRegularFile(dir.model()) && !Files.isRegularFile(dir.checkpoint().resolve("state.bin"))) {
            throw UserError.usage(dir.dir() + " has neither model.bin nor a simulator checkpoint: the run has not saved a model yet",
                    "let it finish, or stop it with Ctrl-C (which saves a checkpoint) and try again");
        }
    }

    /** The run's θ of {@code n} values: model.bin if there is one, else the checkpoint's. */
    static float[] theta(RunDirectory dir, int n) {
        boolean checkpoint = Files.isRegularFile(dir.checkpoint().resolve("state.bin"));
        if (Files.isRegularFile(dir.model())) {
            try {
                return ModelFile.read(dir.model(), n);
            } catch (IOException e) {
                throw UserError.failed("cannot read the model: " + e.getMessage(), checkpoint
                        ? "delete " + dir.model() + " to use the θ of the run's checkpoint instead" : dir.rerunHint(), e);
            }
        }
        try {
            return TrainJob.finalTheta(dir);
        } catch (IOException e) {
            throw UserError.failed("cannot read the model from " + dir.checkpoint().resolve("state.bin") + ": " + e.getMessage(),
                    dir.rerunHint(), e);
        }
    }
}
