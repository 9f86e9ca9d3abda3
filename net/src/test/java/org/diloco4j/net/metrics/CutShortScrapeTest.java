package org.diloco4j.net.metrics;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scraper that hangs up before the response is written (curl --max-time): the Prometheus HTTP server
 * used to log it at SEVERE with a 20-line stack trace; now it goes to the endpoint's reporter.
 */
class CutShortScrapeTest {
    /** The Prometheus server's own logger, held here so that its handler is not lost to a collected logger. */
    static final Logger PROMETHEUS = Logger.getLogger("io.prometheus.metrics.exporter.httpserver.HttpExchangeAdapter");

    @Test
    void aScrapeCutShortReachesTheReporterAndNoStackTraceIsLogged() throws Exception {
        PrometheusRegistry r = new PrometheusRegistry();
        // A body far larger than the socket buffers, so that writing it to a closed connection fails.
        Gauge big = Gauge.builder().name("big").labelNames("k").register(r);
        for (int i = 0; i < 100_000; i++) big.labelValues("value-with-some-length-" + i).set(i);
        // Collection waits until the scraper has hung up.
        CountDownLatch collecting = new CountDownLatch(1), hungUp = new CountDownLatch(1);
        r.register(() -> {
            collecting.countDown();
            try {
                hungUp.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return GaugeSnapshot.builder().name("blocker").build();
        });
        List<Exception> reported = new CopyOnWriteArrayList<>();
        CountDownLatch reportedOnce = new CountDownLatch(1);
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord rec) {
                logged.add(rec);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        PROMETHEUS.addHandler(capture);
        try (MetricsEndpoint e = MetricsEndpoint.start("127.0.0.1", 0, r, ex -> {
            reported.add(ex);
            reportedOnce.countDown();
        })) {
            try (Socket s = new Socket("127.0.0.1", e.port())) {
                OutputStream out = s.getOutputStream();
                out.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(collecting.await(10, TimeUnit.SECONDS)).isTrue();
                s.setSoLinger(true, 0);   // close with a reset, as a killed curl does
            }
            hungUp.countDown();
            assertThat(reportedOnce.await(10, TimeUnit.SECONDS)).as("the reporter heard of the failed scrape").isTrue();
        } finally {
            PROMETHEUS.removeHandler(capture);
        }
        assertThat(reported).first().isInstanceOf(IOException.class);
        assertThat(logged).as("nothing logged by the Prometheus server itself").isEmpty();
    }
}
