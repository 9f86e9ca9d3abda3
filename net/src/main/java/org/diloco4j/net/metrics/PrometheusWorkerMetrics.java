package org.diloco4j.net.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.proto.WorkerStats;
import org.diloco4j.net.wire.WireCounter;

import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A worker's metrics in a Prometheus registry (docs/distributed.md, "Metrics", lists them). The
 * cumulative totals are read from the worker's accounting when scraped, so they are the very
 * figures its heartbeats report to the coordinator (summary.json's worker_stats).
 */
public final class PrometheusWorkerMetrics implements WorkerMetrics {
    private final PrometheusRegistry registry;
    private final Info info;
    private final Gauge joined;
    private final Counter rejoins;
    private final Gauge thetaVersion;
    private final Gauge speed;
    private final Gauge trainLoss;
    private final Counter pushes;
    private final Counter pushesRejected;
    private final Counter pulls;

    /** @param name the worker's display name until the coordinator admits it under its own */
    public PrometheusWorkerMetrics(PrometheusRegistry registry, String name) {
        this.registry = registry;
        info = Info.builder().name("diloco_worker_info").help("The name this worker has in the run (value 1).")
                .labelNames("name").register(registry);
        info.setLabelValues(name);
        joined = Gauge.builder().name("diloco_worker_joined")
                .help("1 while the worker is a member of a run, 0 while it is joining or rejoining.").register(registry);
        rejoins = Counter.builder().name("diloco_worker_rejoins_total")
                .help("Times the worker lost its membership and joined again (coordinator restart, session lost, evicted).")
                .register(registry);
        thetaVersion = Gauge.builder().name("diloco_worker_theta_version")
                .help("Version of the global θ the current assignment started from; NaN before the first.").register(registry);
        speed = Gauge.builder().name("diloco_worker_tokens_per_second")
                .help("Inner-training speed: tokens over seconds of the latest stretch of inner steps; NaN before the first.").register(registry);
        trainLoss = Gauge.builder().name("diloco_worker_train_loss")
                .help("Mean training loss of the latest stretch of inner steps (nats per token); NaN before the first.").register(registry);
        pushes = Counter.builder().name("diloco_worker_pushes_total")
                .help("Pseudo-gradients delivered to the coordinator (accepted or rejected; retries of one push count once).")
                .register(registry);
        pushesRejected = Counter.builder().name("diloco_worker_pushes_rejected_total")
                .help("Pseudo-gradients the coordinator rejected (the reason is in the worker's log).").register(registry);
        pulls = Counter.builder().name("diloco_worker_pulls_total").help("θ or fragments pulled in full.").register(registry);
        // Not known before the first assignment: NaN, rather than a 0 that reads as a measurement.
        thetaVersion.set(Double.NaN);
        speed.set(Double.NaN);
        trainLoss.set(Double.NaN);
    }

    @Override
    public void attach(Supplier<WorkerStats> totals, WireCounter wire) {
        total("diloco_worker_inner_steps_total", null, "Inner steps trained.", totals, WorkerStats::getSteps);
        total("diloco_worker_tokens_total", null, "Tokens trained.", totals, WorkerStats::getTokens);
        total("diloco_worker_sent_bytes_total", Unit.BYTES, "Encoded pseudo-gradient bytes pushed.", totals, WorkerStats::getBytesUp);
        total("diloco_worker_received_bytes_total", Unit.BYTES, "Encoded θ bytes pulled.", totals, WorkerStats::getBytesDown);
        CounterWithCallback.builder().name("diloco_worker_activity_seconds_total").unit(Unit.SECONDS)
                .help("Seconds spent computing (inner steps), communicating (own pulls and pushes) and idle (waiting for orders or other workers).")
                .labelNames("activity").callback(cb -> {
                    WorkerStats s = totals.get();
                    cb.call(s.getComputeSeconds(), Segment.Kind.COMPUTE.label());
                    cb.call(s.getCommunicateSeconds(), Segment.Kind.COMMUNICATE.label());
                    cb.call(s.getIdleSeconds(), Segment.Kind.IDLE.label());
                }).register(registry);
        WireBytes.register(registry, "diloco_worker_wire_bytes_total",
                "gRPC message bytes the worker's channel counted, by RPC method and direction.", wire);
    }

    private void total(String name, Unit unit, String help, Supplier<WorkerStats> totals, ToDoubleFunction<WorkerStats> f) {
        CounterWithCallback.Builder b = CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(f.applyAsDouble(totals.get())));
        if (unit != null) b.unit(unit);
        b.register(registry);
    }

    @Override
    public void joined(String name) {
        info.setLabelValues(name);
        joined.set(1);
    }

    @Override
    public void rejoining() {
        joined.set(0);
        rejoins.inc();
    }

    @Override
    public void ended() {
        joined.set(0);
    }

    @Override
    public void thetaVersion(long version) {
        thetaVersion.set(version);
    }

    @Override
    public void trained(int steps, long tokens, double seconds, double meanLoss) {
        if (seconds > 0 && tokens > 0) speed.set(tokens / seconds);
        if (Double.isFinite(meanLoss)) trainLoss.set(meanLoss);
    }

    @Override
    public void pushed(boolean accepted) {
        pushes.inc();
        if (!accepted) pushesRejected.inc();
    }

    @Override
    public void pulled() {
        pulls.inc();
    }
}
