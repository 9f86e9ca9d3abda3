package org.diloco4j.app.report;

import java.io.IOException;
import java.nio.file.Path;
import org.diloco4j.app.run.Summary;

/**
 * Everything the report needs from one run directory: its totals, its event stream and its
 * configuration as written (shown verbatim, so the report says how to repeat the run).
 *
 * @param dir     the run directory it was read from
 * @param summary {@code summary.json}, or for a run that has not written it yet the totals so far,
 *                derived from its events ({@link ProvisionalSummary})
 * @param config  the text of {@code config.toml}, empty when the directory has none
 * @param status  whether the totals are final, and if not what is known of the run
 */
public record RunData(Path dir, Summary summary, Metrics metrics, String config, RunStatus status) {

    public RunData(Path dir, Summary summary, Metrics metrics, String config) {
        this(dir, summary, metrics, config, RunStatus.FINISHED);
    }

    public RunData(Path dir, Summary summary, Metrics metrics) {
        this(dir, summary, metrics, "");
    }

    /**
     * Reads {@code summary.json} and {@code metrics.jsonl} of a run directory. Unknown event types
     * and fields are ignored; a malformed file throws a {@link RunFormatException} naming the file,
     * the line and what was wrong. Without {@code summary.json} (a run still going, stopped or
     * killed) the status is {@link RunStatus#INCOMPLETE} and the totals come from the events; a
     * last line cut short by a writer that was interrupted (or is still writing) is left out.
     */
    public static RunData read(Path dir) throws IOException {
        return RunReader.read(dir);
    }

    /** Only the {@code summary.json} of a finished run, validated the same way (a malformed file names its field). */
    public static Summary readSummary(Path dir) throws IOException {
        return RunReader.readSummary(dir.resolve("summary.json"));
    }

    /** The same run with what its writer knows of it: running, or stopped with a checkpoint. */
    public RunData withStatus(RunStatus s) {
        return new RunData(dir, summary, metrics, config, s);
    }

    /** The name a reader knows the run by: its method. */
    public String method() {
        return summary.method();
    }
}
