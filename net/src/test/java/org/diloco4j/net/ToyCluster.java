package org.diloco4j.net;

import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.auth.Keyring;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.coord.CheckpointStore;
import org.diloco4j.net.coord.CoordinatorRuntime;
import org.diloco4j.net.coord.CoordinatorServer;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.coord.RuntimeListener;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.metrics.PrometheusCoordinatorMetrics;
import org.diloco4j.net.metrics.PrometheusWorkerMetrics;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.net.worker.TrainerProvider;
import org.diloco4j.net.worker.WorkerClient;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.diloco4j.sim.toy.ToyEvaluator;
import org.diloco4j.sim.toy.ToyProblem;
import org.diloco4j.sim.toy.ToyTrainer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A coordinator runtime and worker threads on the pure-Java toy problem, over grpc's in-process
 * transport (or loopback Netty when bytes on the wire matter): the fast end-to-end harness.
 */
final class ToyCluster implements AutoCloseable {
    static final Token TOKEN = Token.of("test-token-0123456789");
    static final ToyProblem PROBLEM = new ToyProblem(8, 4, new double[] {1, 1, 1}, 0.5, 0.05, 7);

    /** Records everything the runtime reports. */
    static final class Recorder implements RuntimeListener {
        final List<Metric> metrics = new CopyOnWriteArrayList<>();
        final List<String> segments = new CopyOnWriteArrayList<>();
        final List<String> log = new CopyOnWriteArrayList<>();

        @Override
        public void metric(Metric m) {
            metrics.add(m);
            synchronized (metrics) {
                metrics.notifyAll();
            }
        }

        /**
         * Waits until {@code done} holds, looked at again at each metric recorded (no polling); false
         * if it did not within {@code seconds}, a bound only a broken run reaches.
         */
        boolean awaitMetrics(java.util.function.BooleanSupplier done, double seconds) throws InterruptedException {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            synchronized (metrics) {
                while (!done.getAsBoolean()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return false;
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(metrics, left);
                }
                return true;
            }
        }

        @Override
        public void segment(String worker, Segment.Kind kind, double start, double end) {
            segments.add(worker + ":" + kind.label());
        }

        @Override
        public void log(String line) {
            log.add(line);
            synchronized (log) {
                log.notifyAll();
            }
        }

        /**
         * The lines logged so far that {@code match}, once there is one: woken by each line logged (no
         * polling); empty if none came within {@code seconds}, a bound only a broken run reaches.
         */
        List<String> awaitLines(java.util.function.Predicate<String> match, double seconds) throws InterruptedException {
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            synchronized (log) {
                while (true) {
                    List<String> found = log.stream().filter(match).toList();
                    long left = deadline - System.nanoTime();
                    if (!found.isEmpty() || left <= 0) return found;
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(log, left);
                }
            }
        }

        @Override
        public long mark() {
            return metrics.size();
        }

        List<Metric.Decision> decisions(String kind) {
            List<Metric.Decision> out = new ArrayList<>();
            for (Metric m : metrics) if (m instanceof Metric.Decision d && d.kind().label().equals(kind)) out.add(d);
            return out;
        }

        List<Metric.OuterStep> steps() {
            List<Metric.OuterStep> out = new ArrayList<>();
            for (Metric m : metrics) if (m instanceof Metric.OuterStep s) out.add(s);
            return out;
        }
    }

    final CoordinatorConfig config;
    final RunDefinition run;
    final RuntimeOptions options;
    final Recorder recorder = new Recorder();
    /** The coordinator's Prometheus metrics (every cluster is monitored, as with --metrics-port). */
    final PrometheusRegistry registry = new PrometheusRegistry();
    /** Each worker's Prometheus metrics, by the name it was started with. */
    final Map<String, PrometheusRegistry> workerRegistries = new ConcurrentHashMap<>();
    final CoordinatorRuntime runtime;
    final CoordinatorServer server;
    final String name;
    final boolean netty;
    final CoordinatorServer.Listen listen;
    private final List<Thread> threads = new ArrayList<>();
    final Map<String, WorkerRuntime.Outcome> outcomes = new ConcurrentHashMap<>();
    final List<WorkerClient> clients = Collections.synchronizedList(new ArrayList<>());
    final List<WorkerRuntime> workers = Collections.synchronizedList(new ArrayList<>());
    final List<String> workerLog = new CopyOnWriteArrayList<>();

    ToyCluster(CoordinatorConfig config, RuntimeOptions options, boolean netty, CheckpointStore store) throws IOException {
        this(config, options, netty ? new CoordinatorServer.Listen("127.0.0.1", 0, null, null) : null, store, null, "toy-" + System.nanoTime());
    }

    /** An in-process cluster whose coordinator admits whom {@code keyring} knows (per-worker credentials). */
    ToyCluster(CoordinatorConfig config, RuntimeOptions options, Keyring keyring) throws IOException {
        this(config, options, null, null, null, "toy-" + System.nanoTime(), keyring);
    }

    /** A cluster whose coordinator listens on loopback as {@code listen} says (TLS or not). */
    ToyCluster(CoordinatorConfig config, RuntimeOptions options, CoordinatorServer.Listen listen) throws IOException {
        this(config, options, listen, null, null, "toy-" + System.nanoTime());
    }

    private ToyCluster(CoordinatorConfig config, RuntimeOptions options, CoordinatorServer.Listen listen, CheckpointStore store,
                       CheckpointStore.Checkpoint resume, String name) throws IOException {
        this(config, options, listen, store, resume, name, Keyring.shared(TOKEN));
    }

    private ToyCluster(CoordinatorConfig config, RuntimeOptions options, CoordinatorServer.Listen listen, CheckpointStore store,
                       CheckpointStore.Checkpoint resume, String name, Keyring keyring) throws IOException {
        this.config = config;
        this.options = options;
        this.netty = listen != null;
        this.listen = listen;
        this.run = RunDefinition.of("# toy run\n", config, plan(config), options.chunkBytes());
        this.name = name;
        ToyEvaluator eval = new ToyEvaluator(PROBLEM, 512, 3);
        PrometheusCoordinatorMetrics metrics = new PrometheusCoordinatorMetrics(registry);
        this.runtime = resume == null
                ? CoordinatorRuntime.start(run, new Coordinator(config, run.plan(), theta0(), m -> { }), options, eval, recorder, store, metrics)
                : CoordinatorRuntime.resume(run, resume, options, eval, recorder, store, metrics);
        this.server = netty
                ? CoordinatorServer.start(runtime, keyring, listen)
                : CoordinatorServer.start(InProcessServerBuilder.forName(name), runtime, keyring);
    }

    /** A coordinator continuing from {@code c}, served under the same in-process name (its workers reconnect to it). */
    static ToyCluster resume(ToyCluster crashed, CheckpointStore store, CheckpointStore.Checkpoint c) throws IOException {
        return new ToyCluster(crashed.config, crashed.options, null, store, c, crashed.name);
    }

    /** A coordinator continuing from {@code c} under a new in-process name. */
    static ToyCluster resume(CoordinatorConfig config, RuntimeOptions options, CheckpointStore store, CheckpointStore.Checkpoint c)
            throws IOException {
        return new ToyCluster(config, options, null, store, c, "toy-" + System.nanoTime());
    }

    /** What a coordinator crash looks like to workers: every connection drops, nothing is saved. */
    void crashCoordinator() {
        server.close();
        runtime.close();
    }

    static FragmentPlan plan(CoordinatorConfig c) {
        int n = PROBLEM.size();
        if (c.method() != org.diloco4j.core.coord.Method.STREAMING) return FragmentPlan.whole(n);
        ParamLayout layout = PROBLEM.layout();
        return org.diloco4j.core.params.FragmentPlanner.plan(layout, 2, org.diloco4j.core.params.BlockAssignment.SEQUENTIAL);
    }

    static float[] theta0() {
        float[] t = new float[PROBLEM.size()];
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        for (int i = 0; i < t.length; i++) t[i] = (float) (0.1 * (r.nextDouble() - 0.5));
        return t;
    }

    static TrainerProvider provider() {
        return (run, shard, threads) -> new ToyTrainer(PROBLEM, shard, 16, 0.02, 100 + shard);
    }

    WorkerClient client(Token token) {
        try {
            return connect(token);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private WorkerClient connect(Token token) throws IOException {
        WorkerClient c;
        if (!netty) c = WorkerClient.over(InProcessChannelBuilder.forName(name), token);
        else if (listen.tls()) c = WorkerClient.connect("localhost:" + server.port(), token, true, listen.serverTls().certFile());
        else c = WorkerClient.over(NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext(), token);
        clients.add(c);
        return c;
    }

    /** Starts a worker thread. */
    WorkerRuntime startWorker(WorkerOptions o) {
        return startWorker(o, client(TOKEN), provider());
    }

    WorkerRuntime startWorker(WorkerOptions o, WorkerClient c, TrainerProvider p) {
        PrometheusRegistry r = new PrometheusRegistry();
        workerRegistries.put(o.name(), r);
        WorkerRuntime w = new WorkerRuntime(c, o.withReconnectTimeout(Math.min(o.reconnectTimeoutSeconds(), 20)), p, workerLog::add,
                new PrometheusWorkerMetrics(r, o.name()));
        workers.add(w);
        Thread t = new Thread(() -> {
            try (w) {
                outcomes.put(o.name(), w.run());
            }
        }, "worker-" + o.name());
        t.setDaemon(true);
        t.start();
        threads.add(t);
        return w;
    }

    float[] theta() {
        return runtime.<float[]>query(k -> k.theta().clone());
    }

    long version() {
        return runtime.<Long>query(k -> k.version());
    }

    long outerSteps() {
        return runtime.<Long>query(k -> k.outerSteps());
    }

    int members() {
        return runtime.<Integer>query(k -> k.memberCount());
    }

    RunTotals await(double seconds) throws Exception {
        return runtime.end().get((long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    void joinWorkers(double seconds) throws InterruptedException {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        for (Thread t : threads) t.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
    }

    @Override
    public void close() {
        for (WorkerRuntime w : workers) w.leave();
        try {
            joinWorkers(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (WorkerClient c : clients) c.close();
        server.close();
        runtime.close();
    }
}
