package org.diloco4j.app.run;

import java.io.IOException;

/**
 * How every finished run ends, whichever command ran it ({@code train}, each method of
 * {@code compare}, the networked coordinator): the same files, written the same way, so that a run
 * directory does not depend on its driver. Each file is written atomically; the report comes last,
 * from what the others say.
 */
public final class RunFinish {
    private RunFinish() {
    }

    /** Writes summary.json, model.bin, model.safetensors + config.json, then report.html. */
    public static void write(RunDirectory dir, RunSetup setup, Summary summary, float[] theta) throws IOException {
        summary.write(dir.summary());
        ModelFile.write(dir.model(), theta);
        HfModelFiles.write(dir.dir(), setup.config(), setup.gpt(), theta);
        Reports.write(dir);
    }
}
