package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A finished (or checkpointed) run read back: its setup and its global θ, for sample and eval. */
public record SavedRun(RunSetup setup, float[] theta) {
    public static SavedRun load(Path runDir) throws IOException {
        RunDirectory dir = RunDirectory.existing(runDir);
        RunSetup setup = RunSetup.build(ConfigLoader.load(dir.config(), List.of()), s -> { });
        int n = setup.plan().totalSize();
        if (Files.isRegularFile(dir.model())) return new SavedRun(setup, ModelFile.read(dir.model(), n));
        if (Files.isRegularFile(dir.checkpoint().resolve("state.bin"))) return new SavedRun(setup, TrainJob.finalTheta(dir));
        throw new ConfigException(runDir + " has neither model.bin nor a simulator checkpoint: the run has not saved a model yet");
    }
}
