package org.diloco4j.net.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP side: what a scrape gets, and one clear line when the endpoint cannot listen. */
class MetricsEndpointTest {
    @Test
    void servesTheRegistryAndTheJvmMetricsInThePrometheusTextFormat() throws Exception {
        PrometheusRegistry r = MetricsEndpoint.registry();
        new PrometheusCoordinatorMetrics(r).thetaVersion(7);
        try (MetricsEndpoint e = MetricsEndpoint.start("127.0.0.1", 0, r)) {
            assertThat(e.url()).isEqualTo("http://127.0.0.1:" + e.port() + "/metrics");
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(e.url())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
            assertThat(res.body()).contains("\ndiloco_coordinator_theta_version 7.0\n", "# TYPE jvm_memory_used_bytes gauge", "process_cpu_seconds_total");
        }
    }

    @Test
    void aPortInUseOrAnUnknownAddressIsOneLineNamingIt() throws Exception {
        try (MetricsEndpoint first = MetricsEndpoint.start("127.0.0.1", 0, new PrometheusRegistry())) {
            int port = first.port();
            assertThatThrownBy(() -> MetricsEndpoint.start("127.0.0.1", port, new PrometheusRegistry())).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + " (").hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> MetricsEndpoint.start("no-such-host.invalid", 0, new PrometheusRegistry())).isInstanceOf(IOException.class)
                .hasMessage("unknown address 'no-such-host.invalid'");
    }

    @Test
    void closeAfterKeepsServingForTheLingerThenStops() throws Exception {
        MetricsEndpoint e = MetricsEndpoint.start("127.0.0.1", 0, new PrometheusRegistry());
        URI uri = URI.create(e.url());
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                e.closeAfter(1.0);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        closer.join(5000);
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
}
