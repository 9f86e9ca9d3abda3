package org.diloco4j.app;

import org.diloco4j.app.cmd.CompareCommand;
import org.diloco4j.app.cmd.ConfigCommand;
import org.diloco4j.app.cmd.CoordinatorCommand;
import org.diloco4j.app.cmd.EvalCommand;
import org.diloco4j.app.cmd.ReportCommand;
import org.diloco4j.app.cmd.SampleCommand;
import org.diloco4j.app.cmd.TrainCommand;
import org.diloco4j.app.cmd.WorkerCommand;
import org.diloco4j.app.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code diloco} command line. */
@Command(name = "diloco", mixinStandardHelpOptions = true, version = "diloco4j 0.1.0",
        description = "DiLoCo-family training of language models across slow, heterogeneous machines.",
        subcommands = {TrainCommand.class, CompareCommand.class, SampleCommand.class, EvalCommand.class, ReportCommand.class,
                ConfigCommand.class, CoordinatorCommand.class, WorkerCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (2 for a bad configuration, with the reason). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable root = ex;
            while (root.getCause() != null && !(root instanceof ConfigException)) root = root.getCause();
            if (root instanceof ConfigException) {
                cmd.getErr().println("diloco: " + root.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
