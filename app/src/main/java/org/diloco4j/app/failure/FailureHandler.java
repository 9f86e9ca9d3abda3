package org.diloco4j.app.failure;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns every failure of a command into one line on stderr and an exit code. The stack trace goes
 * to the run's diloco.log when a run directory outlived the failure, to a file in the temporary
 * folder for a bug, and to stderr as well with --verbose.
 */
public final class FailureHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    /** The global option that asks for stack traces on stderr. */
    public static final String VERBOSE = "--verbose";

    private final String commandLine;

    /** @param args the command line, recorded above each stack trace in a log file */
    public FailureHandler(String... args) {
        this.commandLine = "diloco " + String.join(" ", args);
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String hint = ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                ? "did you mean " + String.join(" or ", u.getSuggestions()) + "? " : "";
        String what = Failures.oneLine(ex.getMessage());
        cmd.getErr().println("diloco: " + lowerFirst(what) + "; " + hint + "see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        cmd.getErr().flush();
        return ExitCode.USAGE.code();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        return report(ex, cmd.getErr(), verbose(parsed));
    }

    /** Reports {@code ex} on {@code err}; returns the exit code. */
    int report(Throwable ex, PrintWriter err, boolean verbose) {
        Throwable cause = ex;
        if (cause instanceof CommandLine.ExecutionException && cause.getCause() != null) cause = cause.getCause();
        Optional<Path> log = Optional.empty();
        if (cause instanceof RunFailure rf) {
            log = rf.log();
            cause = rf.getCause();
        }
        Optional<UserError> user = Failures.classify(cause);
        StringBuilder line = new StringBuilder("diloco: ");
        if (user.isPresent()) {
            line.append(user.get().getMessage());
        } else {
            line.append("internal error: ").append(Failures.oneLine(cause.toString()));
            if (log.isEmpty()) log = Optional.of(crashFile());
        }
        Throwable failure = cause;
        Optional<Path> written = log.flatMap(f -> append(f, failure));
        if (user.isEmpty()) {
            line.append("; this is a bug in diloco4j, please report it")
                    .append(written.map(f -> " with the stack trace in " + f).orElse(" with the output of --verbose"));
        } else {
            written.ifPresent(f -> line.append(" (stack trace in ").append(f).append(')'));
        }
        err.println(line);
        if (verbose) cause.printStackTrace(err);
        err.flush();
        return user.map(u -> u.exit().code()).orElse(ExitCode.FAILED.code());
    }

    /** True if --verbose was given, before or after the subcommand. */
    public static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) return true;
        }
        return false;
    }

    private Optional<Path> append(Path file, Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        String entry = "=== " + LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "  " + commandLine + "\n" + trace;
        try {
            Files.writeString(file, entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // the line on stderr still says what went wrong
        }
    }

    private static Path crashFile() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of(System.getProperty("java.io.tmpdir"), "diloco-" + stamp + "-" + ProcessHandle.current().pid() + ".log");
    }

    private static String lowerFirst(String s) {
        if (s.length() < 2 || !Character.isUpperCase(s.charAt(0)) || Character.isUpperCase(s.charAt(1))) return s;
        return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}
