package org.diloco4j.app.cmd;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.diloco4j.app.config.ConfigException;
import org.diloco4j.net.metrics.MetricsEndpoint;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Locale;
import java.util.function.Consumer;

/** The Prometheus endpoint options the coordinator and the worker share (docs/distributed.md, "Metrics"). */
public final class MetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "serve Prometheus metrics on http://ADDR:PORT/metrics (default: off)")
    Integer port;

    @Option(names = "--metrics-bind", paramLabel = "ADDR",
            description = "address the metrics endpoint listens on (coordinator: its --bind; worker: 0.0.0.0)")
    String bind;

    @Option(names = "--metrics-linger", defaultValue = "0", paramLabel = "SECONDS",
            description = "after the run ends, keep serving metrics this long so a last scrape sees the final figures (default: ${DEFAULT-VALUE})")
    double linger;

    /** A running endpoint and the registry it serves. */
    public record Served(PrometheusRegistry registry, MetricsEndpoint endpoint, double linger) implements AutoCloseable {
        /** The run ended normally: serve a while longer (--metrics-linger), then close. */
        public void lingerAndClose(Consumer<String> log) throws InterruptedException {
            if (linger > 0) log.accept(String.format(Locale.ROOT, "serving the final metrics for %.0f s more (--metrics-linger)", linger));
            endpoint.closeAfter(linger);
        }

        @Override
        public void close() {
            endpoint.close();
        }
    }

    /**
     * Starts the endpoint, or returns null if {@code --metrics-port} was not given. Called before the
     * run sets anything up, so a taken port fails before a run directory is made.
     */
    Served start(String defaultBind, Consumer<String> log) {
        if (port == null) {
            if (bind != null) throw new ConfigException("--metrics-bind needs --metrics-port");
            return null;
        }
        if (port < 0 || port > 65535) throw new ConfigException("--metrics-port " + port + ": must be in [0, 65535]");
        if (!(linger >= 0) || Double.isInfinite(linger)) throw new ConfigException("--metrics-linger " + linger + ": must be >= 0 seconds");
        String host = bind != null ? bind : defaultBind;
        PrometheusRegistry registry = MetricsEndpoint.registry();
        try {
            MetricsEndpoint e = MetricsEndpoint.start(host, port, registry);
            log.accept("metrics on " + e.url());
            return new Served(registry, e, linger);
        } catch (IOException e) {
            throw new ConfigException("metrics endpoint: " + e.getMessage() + "; choose another --metrics-port or --metrics-bind");
        }
    }
}
