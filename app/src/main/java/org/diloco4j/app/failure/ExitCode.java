package org.diloco4j.app.failure;

/** What the {@code diloco} process tells its caller (scripts, Kubernetes, CI) about how it ended. */
public enum ExitCode {
    /** Done, or stopped cleanly with a checkpoint. */
    OK(0),
    /** Something failed while doing what was asked: a damaged file, a port in use, an I/O error, a bug. */
    FAILED(1),
    /** The command line, the configuration or a file it names is wrong; nothing was started. */
    USAGE(2),
    /** {@code worker}: the coordinator refused it (token, protocol). */
    REFUSED(3),
    /** {@code worker}: the coordinator stayed unreachable past --reconnect-timeout. */
    UNREACHABLE(4),
    /** {@code compare}: stopped by Ctrl-C between methods, with a checkpoint. */
    INTERRUPTED(130);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
