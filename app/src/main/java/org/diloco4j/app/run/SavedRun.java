package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigLoader;

import java.nio.file.Path;

/** A finished (or checkpointed) run read back: its setup and its global θ, for sample and eval. */
public record SavedRun(RunSetup setup, float[] theta) {
    public static SavedRun load(Path runDir) {
        RunDirectory dir = RunDirectory.existing(runDir);
        // Checked before the corpus is loaded: the answer does not depend on it and comes at once.
        SavedModel.requireTheta(dir);
        RunSetup setup = RunSetup.build(ConfigLoader.loadSaved(dir.config()), s -> { });
        return new SavedRun(setup, SavedModel.theta(dir, setup.plan().arraySize()));
    }
}
