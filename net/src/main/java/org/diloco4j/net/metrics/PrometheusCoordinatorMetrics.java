package org.diloco4j.net.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import org.diloco4j.net.wire.WireCounter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The coordinator's metrics in a Prometheus registry (docs/distributed.md, "Metrics", lists them).
 * Per-worker series are labelled with the worker's name, which the coordinator keeps unique among
 * live workers; reasons are labelled from bounded enums, never from free text.
 */
public final class PrometheusCoordinatorMetrics implements CoordinatorMetrics {
    /** Staleness is a small integer: one bucket per value up to 4, then powers of two. */
    static final double[] STALENESS_BUCKETS = {0, 1, 2, 3, 4, 8, 16, 32, 64};
    /** Seconds: a small model's push is answered in milliseconds, a 1B one's pass over θ takes about a second. */
    static final double[] ANSWER_BUCKETS = {0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final PrometheusRegistry registry;
    private final Info info;
    private final Gauge thetaVersion;
    private final Counter outerSteps;
    private final Counter pairedPasses;
    private final Counter applied;
    private final Histogram staleness;
    private final Histogram answered;
    private final Counter received;
    private final Counter sent;
    private final Counter tokens;
    private final Gauge workerSpeed;
    private final Gauge trainLoss;
    private final Counter rejected;
    private final Counter dropped;
    private final Gauge workers;
    private final Counter checkpoints;
    private final Counter checkpointFailures;
    private final Gauge lastCheckpoint;
    /** Latest tokens per second of each connected worker; their sum is the cluster's. */
    private final Map<String, Double> speeds = new ConcurrentHashMap<>();
    private final Gauge evalLoss;
    private final Gauge evalVersion;

    public PrometheusCoordinatorMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        info = Info.builder().name("diloco_coordinator_info").help("The run this coordinator serves (value 1).")
                .labelNames("method").register(registry);
        thetaVersion = Gauge.builder().name("diloco_coordinator_theta_version")
                .help("Version of the global model θ (outer updates since θ₀; continues across restarts).").register(registry);
        outerSteps = Counter.builder().name("diloco_coordinator_outer_steps_total")
                .help("Outer updates applied to θ (to one fragment when streaming).").register(registry);
        pairedPasses = Counter.builder().name("diloco_coordinator_paired_passes_total")
                .help("Passes over θ that applied two or three pushes' outer steps together (pushes were waiting: one pass for two or three).").register(registry);
        applied = Counter.builder().name("diloco_coordinator_pushes_applied_total")
                .help("Pseudo-gradients applied in an outer update, by the worker that sent them.").labelNames("worker").register(registry);
        staleness = Histogram.builder().name("diloco_coordinator_applied_staleness")
                .help("Staleness of each applied pseudo-gradient: θ versions (fragment rounds when streaming) between the one it was trained from and the one it updated.")
                .classicOnly().classicUpperBounds(STALENESS_BUCKETS).register(registry);
        answered = Histogram.builder().name("diloco_coordinator_push_answer_seconds").unit(Unit.SECONDS)
                .help("Seconds from a push's last byte to its answer: the wait for the event loop, the checks, and the outer step's pass (or the pushes it waited to share one with).")
                .classicOnly().classicUpperBounds(ANSWER_BUCKETS).register(registry);
        received = Counter.builder().name("diloco_coordinator_received_bytes_total").unit(Unit.BYTES)
                .help("Encoded pseudo-gradient bytes received, by worker (the byte ledger of summary.json's bytes_up).")
                .labelNames("worker").register(registry);
        sent = Counter.builder().name("diloco_coordinator_sent_bytes_total").unit(Unit.BYTES)
                .help("Encoded θ bytes sent, by worker (the byte ledger of summary.json's bytes_down).").labelNames("worker").register(registry);
        tokens = Counter.builder().name("diloco_coordinator_tokens_total")
                .help("Tokens trained, as reported by the accepted pushes, by worker.").labelNames("worker").register(registry);
        workerSpeed = Gauge.builder().name("diloco_coordinator_worker_tokens_per_second")
                .help("Inner-training speed of a connected worker: tokens over compute seconds of its latest accepted push.")
                .labelNames("worker").register(registry);
        GaugeWithCallback.builder().name("diloco_coordinator_tokens_per_second")
                .help("Inner-training speed of all connected workers: the sum of their latest tokens per compute second.")
                .callback(cb -> cb.call(speeds.values().stream().mapToDouble(Double::doubleValue).sum())).register(registry);
        trainLoss = Gauge.builder().name("diloco_coordinator_worker_train_loss")
                .help("Mean inner training loss a connected worker reported with its latest push (nats per token).")
                .labelNames("worker").register(registry);
        rejected = Counter.builder().name("diloco_coordinator_pushes_rejected_total")
                .help("Pseudo-gradient uploads rejected, by reason; a rejected upload never changes θ.").labelNames("reason").register(registry);
        for (RejectReason r : RejectReason.values()) rejected.labelValues(r.label());
        dropped = Counter.builder().name("diloco_coordinator_contributions_dropped_total")
                .help("Valid contributions left out of an outer update, by reason (one per drop decision in metrics.jsonl).")
                .labelNames("reason").register(registry);
        for (DropReason r : DropReason.values()) dropped.labelValues(r.label());
        workers = Gauge.builder().name("diloco_coordinator_workers").help("Workers with a live session.").register(registry);
        evalLoss = Gauge.builder().name("diloco_coordinator_eval_loss")
                .help("Held-out loss of the latest evaluated θ (nats per token); NaN until the first evaluation.").register(registry);
        evalLoss.set(Double.NaN);
        evalVersion = Gauge.builder().name("diloco_coordinator_eval_theta_version")
                .help("Version of the θ the latest evaluation measured; NaN until the first evaluation.").register(registry);
        evalVersion.set(Double.NaN);
        checkpoints = Counter.builder().name("diloco_coordinator_checkpoints_total").help("Checkpoints written.").register(registry);
        checkpointFailures = Counter.builder().name("diloco_coordinator_checkpoint_failures_total")
                .help("Checkpoints that could not be written (the previous one stays).").register(registry);
        lastCheckpoint = Gauge.builder().name("diloco_coordinator_last_checkpoint_timestamp_seconds").unit(Unit.SECONDS)
                .help("Unix time of the latest checkpoint written (0: none yet).").register(registry);
    }

    @Override
    public void attach(String method, WireCounter wire) {
        info.setLabelValues(method);
        WireBytes.register(registry, "diloco_coordinator_wire_bytes_total",
                "gRPC message bytes the coordinator's server counted, by RPC method and direction (wire.json).", wire);
    }

    @Override
    public void thetaVersion(long version) {
        thetaVersion.set(version);
    }

    @Override
    public void pairedPasses(long n) {
        pairedPasses.inc(n);
    }

    @Override
    public void outerStep(List<String> contributors, List<Long> stalenessOfEach) {
        outerSteps.inc();
        for (String w : contributors) applied.labelValues(w).inc();
        for (long s : stalenessOfEach) staleness.observe(s);
    }

    @Override
    public void bytes(String worker, long receivedBytes, long sentBytes) {
        if (receivedBytes > 0) received.labelValues(worker).inc(receivedBytes);
        if (sentBytes > 0) sent.labelValues(worker).inc(sentBytes);
    }

    @Override
    public void trained(String worker, long n, double tokensPerSecond) {
        if (n > 0) tokens.labelValues(worker).inc(n);
        if (Double.isFinite(tokensPerSecond) && tokensPerSecond >= 0) {
            speeds.put(worker, tokensPerSecond);
            workerSpeed.labelValues(worker).set(tokensPerSecond);
        }
    }

    @Override
    public void trainLoss(String worker, double loss) {
        if (Double.isFinite(loss)) trainLoss.labelValues(worker).set(loss);
    }

    @Override
    public void pushAnswered(double seconds) {
        answered.observe(seconds);
    }

    @Override
    public void rejected(RejectReason reason) {
        rejected.labelValues(reason.label()).inc();
    }

    @Override
    public void dropped(DropReason reason) {
        dropped.labelValues(reason.label()).inc();
    }

    @Override
    public void joined(String worker, int connected) {
        workers.set(connected);
    }

    /** A gone worker's gauges are removed: a speed or loss it no longer has must not count or show. */
    @Override
    public void gone(String worker, int connected) {
        workers.set(connected);
        speeds.remove(worker);
        workerSpeed.remove(worker);
        trainLoss.remove(worker);
    }

    @Override
    public void evaluated(long version, double loss) {
        evalVersion.set(version);
        evalLoss.set(loss);
    }

    @Override
    public void checkpointed(boolean ok) {
        if (ok) {
            checkpoints.inc();
            lastCheckpoint.set(System.currentTimeMillis() / 1000.0);
        } else {
            checkpointFailures.inc();
        }
    }
}
