package org.diloco4j.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code diloco} command line. */
@Command(name = "diloco", mixinStandardHelpOptions = true, version = "diloco4j 0.1.0",
        description = "DiLoCo-family training of language models across slow, heterogeneous machines.",
        subcommands = {Main.Train.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "train", description = "Train a model (the main job).")
    static final class Train implements Runnable {
        @Override
        public void run() {
            System.out.println("diloco train: the simulator-driven training job is being built; see the open issues.");
        }
    }
}
