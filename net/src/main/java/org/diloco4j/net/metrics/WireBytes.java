package org.diloco4j.net.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import org.diloco4j.net.wire.WireCounter;

import java.util.Map;

/** A counter of the bytes a {@link WireCounter} saw, by RPC method and direction, read when scraped. */
final class WireBytes {
    private WireBytes() {
    }

    static void register(PrometheusRegistry registry, String name, String help, WireCounter wire) {
        CounterWithCallback.builder().name(name).unit(Unit.BYTES).help(help).labelNames("method", "direction")
                .callback(cb -> {
                    for (Map.Entry<String, WireCounter.Bytes> e : wire.totals().entrySet()) {
                        cb.call(e.getValue().in(), e.getKey(), "received");
                        cb.call(e.getValue().out(), e.getKey(), "sent");
                    }
                }).register(registry);
    }
}
