package org.diloco4j.app.failure;

/**
 * A failure the user caused or can fix, reported as one line: {@code diloco: <problem>; <remedy>}
 * and an exit code, without a stack trace (the cause is kept for --verbose and diloco.log).
 */
public final class UserError extends RuntimeException {
    private final ExitCode exit;
    private final String problem;
    private final String remedy;

    /**
     * @param problem what is wrong, naming the file, key or address concerned
     * @param remedy  what to do about it; empty when the problem already says it
     */
    public UserError(ExitCode exit, String problem, String remedy, Throwable cause) {
        super(remedy.isEmpty() ? problem : problem + "; " + remedy, cause);
        if (exit == ExitCode.OK) throw new IllegalArgumentException("a failure cannot exit with " + exit);
        this.exit = exit;
        this.problem = problem;
        this.remedy = remedy;
    }

    /** The command line, the configuration or a file it names is wrong (exit code 2). */
    public static UserError usage(String problem, String remedy) {
        return new UserError(ExitCode.USAGE, problem, remedy, null);
    }

    /** The same, found by an exception that --verbose shows. */
    public static UserError usage(String problem, String remedy, Throwable cause) {
        return new UserError(ExitCode.USAGE, problem, remedy, cause);
    }

    /** Doing what was asked failed in a way the user can act on (exit code 1). */
    public static UserError failed(String problem, String remedy, Throwable cause) {
        return new UserError(ExitCode.FAILED, problem, remedy, cause);
    }

    /** Ctrl-C came while the run was still being checked: it stops before anything was written (exit code 130). */
    public static UserError stoppedBeforeStart() {
        return new UserError(ExitCode.INTERRUPTED, "stopped before the run started", "nothing was written", null);
    }

    public ExitCode exit() {
        return exit;
    }

    public String problem() {
        return problem;
    }

    public String remedy() {
        return remedy;
    }
}
