package org.diloco4j.net.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.exporter.httpserver.HttpErrorHandlingPolicy;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A process's {@code /metrics} (Prometheus text format) on its own HTTP port, next to the gRPC
 * traffic: the Prometheus client's HTTP server, which also answers {@code /-/healthy}.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final HTTPServer server;
    private final String host;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsEndpoint(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** A registry with the JVM's and the process's own metrics (memory, GC, threads, CPU, open files) already in it. */
    public static PrometheusRegistry registry() {
        PrometheusRegistry r = new PrometheusRegistry();
        JvmMetrics.builder().register(r);
        return r;
    }

    /**
     * Serves {@code registry} on {@code host:port}.
     *
     * @param port TCP port; 0 picks a free one
     * @throws IOException with a one-line reason if the address is unknown or the port is taken
     */
    public static MetricsEndpoint start(String host, int port, PrometheusRegistry registry) throws IOException {
        return start(host, port, registry, ScrapeErrors.toLog());
    }

    /** As {@link #start(String, int, PrometheusRegistry)}, telling {@code scrapeErrors} of each failed scrape (instead of a stack trace). */
    static MetricsEndpoint start(String host, int port, PrometheusRegistry registry, Consumer<Exception> scrapeErrors) throws IOException {
        if (port < 0 || port > 65535) throw new IOException("port " + port + " is not in [0, 65535]");
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("unknown address '" + host + "'", e);
        }
        try {
            return new MetricsEndpoint(HTTPServer.builder().inetAddress(address).port(port).registry(registry)
                    .errorHandlingPolicy(HttpErrorHandlingPolicy.builder().errorReporter(scrapeErrors).build()).buildAndStart(), host);
        } catch (BindException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Where to scrape, e.g. {@code http://0.0.0.0:9400/metrics}. */
    public String url() {
        return "http://" + host + ":" + port() + "/metrics";
    }

    /**
     * Keeps serving for {@code seconds} more before closing, so that a scrape after the run ended
     * still sees its final figures (the final evaluation, the last outer step).
     */
    public void closeAfter(double seconds) throws InterruptedException {
        try {
            if (seconds > 0) Thread.sleep((long) (seconds * 1000));
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) server.close();
    }
}
