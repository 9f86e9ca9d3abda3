package org.diloco4j.app.cmd;

import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.Resolver;
import org.diloco4j.app.config.RunConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options every command that builds a run shares: a TOML file and key=value overrides. */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE.toml", description = "run configuration (defaults: the showcase run; see 'diloco config')")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one key, e.g. --set outer.inner_steps=100 (repeatable)")
    List<String> sets = new ArrayList<>();

    @Option(names = "--method", paramLabel = "METHOD", description = "ddp | diloco | async | async-dn-dylu | streaming (same as --set method=...)")
    String method;

    /** The resolved configuration these options describe. */
    public RunConfig resolve() {
        return Resolver.resolve(load());
    }

    /** The configuration before "auto" values are resolved (to derive variants from). */
    public RunConfig load() {
        List<String> all = new ArrayList<>(sets);
        if (method != null) all.add("method=" + method);
        return ConfigLoader.load(config, all);
    }
}
