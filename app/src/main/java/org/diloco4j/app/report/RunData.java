package org.diloco4j.app.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Everything the report needs from one run directory: its totals, its event stream and its
 * configuration as written (shown verbatim, so the report says how to repeat the run).
 *
 * @param dir    the run directory it was read from
 * @param config the text of {@code config.toml}, empty when the directory has none
 */
public record RunData(Path dir, Summary summary, Metrics metrics, String config) {

    public RunData(Path dir, Summary summary, Metrics metrics) {
        this(dir, summary, metrics, "");
    }

    /**
     * Reads {@code summary.json} and {@code metrics.jsonl} of a run directory. Unknown event types
     * and fields are ignored; a malformed file throws a {@link RunFormatException} naming the file,
     * the line and what was wrong.
     */
    public static RunData read(Path dir) throws IOException {
        return RunReader.read(dir);
    }

    /** The name a reader knows the run by: its method. */
    public String method() {
        return summary.method();
    }
}
