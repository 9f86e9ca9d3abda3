package org.diloco4j.app.cmd;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.app.distributed.CoordinatorJob;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.net.coord.AdmissionLimits;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.metrics.PrometheusCoordinatorMetrics;
import org.diloco4j.net.tls.ServerTls;
import org.diloco4j.net.wire.Limits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code diloco coordinator}: serve a run to workers over the network. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = {"Coordinate a real distributed run: workers on other processes or machines join with 'diloco worker'.",
                "The run ends at its token budget and writes the same run directory as 'train'. Ctrl-C stops with a",
                "checkpoint; the same command again continues the run (from its checkpoint, or from the start if it stopped",
                "before its first one), and the workers reconnect by themselves."})
public final class CoordinatorCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--port", defaultValue = "7070", description = "TCP port (0: any free port; see --port-file) (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/<time>-<method>-net)")
    Path out;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "where checkpoints go; if a run was started with it, the same command continues that run (default: DIR/checkpoint)")
    Path checkpointDir;

    @Option(names = "--token-file", paramLabel = "FILE", description = "shared secret workers must present (default: $DILOCO_TOKEN, else a random token written to the run directory)")
    Path tokenFile;

    @Option(names = "--credentials", paramLabel = "FILE", description = "per-worker credentials ('diloco token add'): admit only their holders, each under its own name, re-read while the run goes on; instead of a shared --token-file")
    Path credentials;

    @Option(names = "--max-workers", defaultValue = "0", paramLabel = "N", description = "live workers at most; further joins are refused FULL and retried (0: max(64, 4 x workers)) (default: ${DEFAULT-VALUE})")
    int maxWorkers;

    @Option(names = "--join-burst", defaultValue = "0", paramLabel = "N", description = "joins one credential (with the shared token: one address) may make at once (0: max(10, 2 x workers)) (default: ${DEFAULT-VALUE})")
    int joinBurst;

    @Option(names = "--join-rate", defaultValue = "0", paramLabel = "PER_MINUTE", description = "joins one credential (with the shared token: one address) may make per minute after its burst (0: 10) (default: ${DEFAULT-VALUE})")
    double joinRate;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS certificate chain (with --tls-key)")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS private key, PKCS#8 or PKCS#1 RSA (with --tls-cert); checked against the certificate at start-up")
    Path tlsKey;

    @Option(names = "--heartbeat", defaultValue = "" + Limits.DEFAULT_HEARTBEAT_SECONDS, paramLabel = "SECONDS", description = "worker heartbeat interval (default: ${DEFAULT-VALUE})")
    double heartbeat;

    @Option(names = "--session-timeout", defaultValue = "" + Limits.DEFAULT_SESSION_TIMEOUT_SECONDS, paramLabel = "SECONDS", description = "silence after which a worker is declared lost (default: ${DEFAULT-VALUE})")
    double sessionTimeout;

    @Option(names = "--chunk-kib", defaultValue = "" + Limits.DEFAULT_CHUNK_KIB, paramLabel = "KiB", description = "largest piece of θ or of a pseudo-gradient per message (default: ${DEFAULT-VALUE})")
    int chunkKib;

    @Option(names = "--checkpoint-every", defaultValue = "-1", paramLabel = "STEPS", description = "outer steps between checkpoints (default: checkpoint.every_outer_steps, or 10)")
    long checkpointEvery;

    @Option(names = "--checkpoint-seconds", defaultValue = "" + Limits.DEFAULT_CHECKPOINT_SECONDS, paramLabel = "SECONDS", description = "also checkpoint after this long if θ changed (0: off) (default: ${DEFAULT-VALUE})")
    double checkpointSeconds;

    @Option(names = "--port-file", paramLabel = "FILE", description = "write the port listened on to FILE")
    Path portFile;

    @Option(names = "--no-progress", description = "no live progress line (log lines instead)")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) throw new ConfigException("--tls-cert and --tls-key go together");
        if (credentials != null && tokenFile != null) {
            throw UserError.usage("--credentials and --token-file exclude each other",
                    "per-worker credentials (--credentials) or one shared token (--token-file): choose one");
        }
        AdmissionLimits admission;
        try {
            admission = new AdmissionLimits(maxWorkers, joinBurst, joinRate);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (port < 0 || port > 65535) {
            throw UserError.usage("--port " + port + " is not a TCP port", "give one in [1, 65535], or 0 for any free port");
        }
        requireReadable("--tls-cert", tlsCert);
        requireReadable("--tls-key", tlsKey);
        ServerTls tls = usableTls();
        if (!Limits.chunkAllowed((long) chunkKib * Limits.KIB)) {
            throw new ConfigException("--chunk-kib " + chunkKib + ": must be in [" + Limits.MIN_CHUNK_BYTES / Limits.KIB + ", "
                    + Limits.MAX_CHUNK_BYTES / Limits.KIB + "]");
        }
        if (metrics.port != null && port != 0 && metrics.port == port) throw new ConfigException("--metrics-port must differ from --port");
        boolean explicit = config.config != null || !config.sets.isEmpty() || config.method != null;
        // Continuing needs no config (the run directory has it); one given anyway must match it.
        RunConfig cfg = continuesARun() && !explicit ? null : config.resolve();
        StopSignal stop = StopSignal.install();
        try (MetricsOptions.Served served = metrics.start(bind, line -> System.err.println("diloco: " + line))) {
            CoordinatorMetrics monitor = served == null ? CoordinatorMetrics.NONE : new PrometheusCoordinatorMetrics(served.registry());
            CoordinatorJob.Options o = new CoordinatorJob.Options(bind, port, out, checkpointDir, tokenFile, tls, heartbeat,
                    sessionTimeout, chunkKib * Limits.KIB, checkpointEvery, checkpointSeconds, !noProgress, portFile, System.err, monitor,
                    credentials, admission);
            CoordinatorJob.Outcome r = CoordinatorJob.run(cfg, o, stop.requested());
            if (r.finished()) SummaryLines.print(r.summary(), r.dir(), true);
            if (served != null && r.finished()) served.lingerAndClose(line -> System.err.println("diloco: " + line));
            return 0;
        } finally {
            stop.done();
        }
    }

    private static void requireReadable(String option, Path file) {
        if (file == null || Files.isReadable(file)) return;
        throw UserError.usage(option + " " + file + (Files.exists(file) ? " cannot be read" : " does not exist"),
                "check the path and its permissions");
    }

    /**
     * The certificate and key, read and checked here, before anything is started, not by the first
     * worker's failed handshake; the server listens with what was read (null: plaintext).
     */
    private ServerTls usableTls() {
        if (tlsCert == null) return null;
        try {
            return ServerTls.load(tlsCert, tlsKey, Instant.now());
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage(), "", e);
        }
    }

    /** True if the options point at a run a coordinator started before, checkpointed or not. */
    private boolean continuesARun() {
        return RunDirectory.networkedRunIn(checkpointDir != null ? checkpointDir : out != null ? out.resolve("checkpoint") : null);
    }
}
