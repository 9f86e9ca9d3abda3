package org.diloco4j.app.cmd;

import org.diloco4j.app.config.TomlWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code diloco config}: print the resolved configuration, every key with its meaning. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the fully resolved configuration (every key, with what it means) for the given --config/--set.")
public final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() {
        System.out.print(TomlWriter.write(config.resolve()));
        return 0;
    }
}
