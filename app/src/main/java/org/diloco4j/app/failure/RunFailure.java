package org.diloco4j.app.failure;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A failure during a run, with the run directory that outlived it (null when the run was removed
 * because it failed before doing anything): the stack trace is appended to its {@code diloco.log}.
 */
public final class RunFailure extends RuntimeException {
    /** The file in a run directory that receives the stack traces of the run's failures. */
    public static final String LOG = "diloco.log";

    private final Path runDir;

    public RunFailure(Path runDir, Throwable cause) {
        super(Objects.requireNonNull(cause).getMessage(), cause);
        this.runDir = runDir;
    }

    /** Where the stack trace goes, if the run directory was kept. */
    public Optional<Path> log() {
        return Optional.ofNullable(runDir).map(d -> d.resolve(LOG));
    }
}
