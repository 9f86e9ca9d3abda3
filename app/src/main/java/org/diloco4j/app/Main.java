package org.diloco4j.app;

import org.diloco4j.app.cmd.CompareCommand;
import org.diloco4j.app.cmd.ConfigCommand;
import org.diloco4j.app.cmd.CoordinatorCommand;
import org.diloco4j.app.cmd.EvalCommand;
import org.diloco4j.app.cmd.ExportCommand;
import org.diloco4j.app.cmd.ReportCommand;
import org.diloco4j.app.cmd.SampleCommand;
import org.diloco4j.app.cmd.SweepCommand;
import org.diloco4j.app.cmd.TokenCommand;
import org.diloco4j.app.cmd.TrainCommand;
import org.diloco4j.app.cmd.WorkerCommand;
import org.diloco4j.app.failure.FailureHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of the {@code diloco} command line. */
@Command(name = "diloco", mixinStandardHelpOptions = true, version = "diloco4j 0.1.0",
        description = "DiLoCo-family training of language models across slow, heterogeneous machines.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or stopped with a checkpoint)", "1:failed (the line says why; a run keeps the stack trace in its diloco.log)",
                "2:bad command line, configuration or input file; nothing was started"},
        subcommands = {TrainCommand.class, CompareCommand.class, SampleCommand.class, EvalCommand.class, ExportCommand.class,
                ReportCommand.class, SweepCommand.class, ConfigCommand.class, CoordinatorCommand.class, WorkerCommand.class,
                TokenCommand.class})
public final class Main implements Runnable {
    /** gRPC logs through java.util.logging; kept here because the logging framework holds loggers weakly. */
    private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");

    @Option(names = FailureHandler.VERBOSE, scope = ScopeType.INHERIT,
            description = "on failure, print the stack trace too (and gRPC's own warnings)")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns its exit code: 0 done, 1 failed, 2 bad input (see
     * {@link org.diloco4j.app.failure.ExitCode}). Every failure is one line on stderr.
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        FailureHandler failures = new FailureHandler(args);
        cl.setExecutionExceptionHandler(failures);
        cl.setParameterExceptionHandler(failures);
        cl.setExecutionStrategy(parsed -> {
            // gRPC's warnings (a name that does not resolve, a reset connection) repeat what the
            // worker and coordinator already log in their own words, with exception text around it.
            GRPC_LOG.setLevel(FailureHandler.verbose(parsed) ? Level.INFO : Level.SEVERE);
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
