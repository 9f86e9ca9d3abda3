package org.diloco4j.app.cmd;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.failure.ExitCode;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.app.distributed.GptTrainers;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.metrics.PrometheusWorkerMetrics;
import org.diloco4j.net.tls.Pem;
import org.diloco4j.net.metrics.WorkerMetrics;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.worker.WorkerClient;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code diloco worker}: take part in a networked run. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Join a coordinator and train: the model, data and protocol come from the coordinator's run.",
                "The worker rejoins by itself when the coordinator restarts, and leaves cleanly on Ctrl-C.",
                "Exit codes: 0 run finished or left, 1 failed, 2 bad options or token file, or TLS set up on one end only or a",
                "coordinator certificate this worker does not accept (given up at once), 3 refused (token, protocol),",
                "4 coordinator unreachable."})
public final class WorkerCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--join", required = true, paramLabel = "HOST:PORT", description = "the coordinator's address")
    String join;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--token-file", paramLabel = "FILE", description = "the run's shared secret (default: $DILOCO_TOKEN)")
    Path tokenFile;

    @Option(names = "--name", paramLabel = "NAME", description = "display name (default: host name and process id)")
    String name;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "compute threads for training, each step split over them (0: all cores) (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--shard", defaultValue = "-1", paramLabel = "N", description = "the data shard this worker trains on (-1: the coordinator assigns one)")
    int shard;

    @Option(names = "--step-delay-ms", defaultValue = "0", paramLabel = "MS", description = "extra time per inner step, to emulate a slower device (default: ${DEFAULT-VALUE})")
    long stepDelayMs;

    @Option(names = "--tls", description = "connect with TLS, trusting the system's certificate authorities")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "PEM", description = "connect with TLS, trusting this CA or self-signed certificate")
    Path tlsCa;

    @Option(names = "--reconnect-timeout", defaultValue = "" + Limits.DEFAULT_RECONNECT_TIMEOUT_SECONDS, paramLabel = "SECONDS", description = "give up after the coordinator was unreachable this long (default: ${DEFAULT-VALUE})")
    double reconnectTimeout;

    @Option(names = "--cache-dir", defaultValue = "", paramLabel = "DIR", description = "token cache folder on this host (default: ~/.cache/diloco4j/tokens)")
    String cacheDir;

    @Override
    public Integer call() throws Exception {
        requireAddress(join);
        if (tlsCa != null) {
            try {
                Pem.requireCertificates(tlsCa, "--tls-ca");
            } catch (IllegalArgumentException e) {
                throw UserError.usage(e.getMessage(), "give the coordinator's CA certificate, or its self-signed certificate (its --tls-cert file)", e);
            }
        }
        Token token = token();
        String who = name != null ? name : defaultName();
        WorkerOptions opts;
        try {
            opts = new WorkerOptions(who, shard, threads, stepDelayMs, reconnectTimeout, WorkerOptions.newInstance());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        java.util.function.Consumer<String> log = line -> System.err.println(LocalTime.now().format(CLOCK) + " worker " + line);
        try (MetricsOptions.Served served = metrics.start("0.0.0.0", line -> log.accept(who + ": " + line));
             WorkerClient client = WorkerClient.connect(join, token, tls || tlsCa != null, tlsCa);
             WorkerRuntime worker = new WorkerRuntime(client, opts, new GptTrainers(who, cacheDir, log), log,
                     served == null ? WorkerMetrics.NONE : new PrometheusWorkerMetrics(served.registry(), who))) {
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                worker.leave();
                try {
                    finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "diloco-worker-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            WorkerRuntime.Outcome o;
            try {
                o = worker.run();
            } finally {
                finished.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down: the hook is running.
            }
            var s = worker.stats();
            log.accept(who + ": " + o.exit().name().toLowerCase() + " (" + o.reason() + "); " + s.getSteps() + " steps, "
                    + s.getTokens() + " tokens, " + String.format(java.util.Locale.ROOT, "%.1f s computing", s.getComputeSeconds()));
            if (served != null && o.exit() == WorkerRuntime.Exit.STOPPED) served.lingerAndClose(line -> log.accept(who + ": " + line));
            return switch (o.exit()) {
                case STOPPED, LEFT -> ExitCode.OK.code();
                case REFUSED -> ExitCode.REFUSED.code();
                case MISCONFIGURED -> ExitCode.USAGE.code();
                case GAVE_UP -> ExitCode.UNREACHABLE.code();
            };
        }
    }

    /** HOST:PORT, [IPv6]:PORT, or a gRPC target with a scheme (dns:///host:port), which gRPC checks itself. */
    static void requireAddress(String target) {
        if (target.contains("://")) return;
        int colon = target.lastIndexOf(':');
        String host = colon > 0 ? target.substring(0, colon) : "";
        String port = colon > 0 ? target.substring(colon + 1) : "";
        boolean ok = !host.isBlank() && port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535
                && (host.startsWith("[") == host.endsWith("]")) && (host.startsWith("[") || !host.contains(":"));
        if (!ok) {
            throw UserError.usage("--join " + target + " is not HOST:PORT", "give the coordinator's address, e.g. --join coordinator-host:7070");
        }
    }

    private Token token() {
        try {
            if (tokenFile != null) return Token.fromFile(tokenFile);
            String env = System.getenv("DILOCO_TOKEN");
            if (env != null && !env.isBlank()) return Token.of(env.strip());
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage(), "copy the coordinator's token file to this host (--token-file FILE), or set $DILOCO_TOKEN");
        }
        throw UserError.usage("the worker needs the run's token",
                "give the coordinator's token file with --token-file FILE, or set $DILOCO_TOKEN");
    }

    private static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "worker";
        }
        String clean = host.replaceAll("[^A-Za-z0-9._-]", "-");
        if (clean.length() > 40) clean = clean.substring(0, 40);
        return clean + "-" + ProcessHandle.current().pid();
    }
}
