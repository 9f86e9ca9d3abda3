package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.failure.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A finished (or checkpointed) run read back: its setup and its global θ, for sample and eval. */
public record SavedRun(RunSetup setup, float[] theta) {
    public static SavedRun load(Path runDir) {
        RunDirectory dir = RunDirectory.existing(runDir);
        boolean model = Files.isRegularFile(dir.model());
        boolean checkpoint = Files.isRegularFile(dir.checkpoint().resolve("state.bin"));
        // Checked before the corpus is loaded: the answer does not depend on it and comes at once.
        if (!model && !checkpoint) {
            throw UserError.usage(runDir + " has neither model.bin nor a simulator checkpoint: the run has not saved a model yet",
                    "let it finish, or stop it with Ctrl-C (which saves a checkpoint) and try again");
        }
        RunSetup setup = RunSetup.build(ConfigLoader.loadSaved(dir.config()), s -> { });
        int n = setup.plan().totalSize();
        if (model) {
            try {
                return new SavedRun(setup, ModelFile.read(dir.model(), n));
            } catch (IOException e) {
                throw UserError.failed("cannot read the model: " + e.getMessage(), checkpoint
                        ? "delete " + dir.model() + " to use the θ of the run's checkpoint instead" : dir.rerunHint(), e);
            }
        }
        try {
            return new SavedRun(setup, TrainJob.finalTheta(dir));
        } catch (IOException e) {
            throw UserError.failed("cannot read the model from " + dir.checkpoint().resolve("state.bin") + ": " + e.getMessage(),
                    dir.rerunHint(), e);
        }
    }
}
