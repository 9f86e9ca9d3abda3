package org.diloco4j.app.net;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.config.TomlWriter;
import org.diloco4j.app.run.AtomicFiles;
import org.diloco4j.app.report.RunStatus;
import org.diloco4j.app.run.JsonlMetrics;
import org.diloco4j.app.run.LiveReport;
import org.diloco4j.app.run.Progress;
import org.diloco4j.app.run.Reports;
import org.diloco4j.app.run.RunClock;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.RunSamples;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.ModelFile;
import org.diloco4j.app.run.Summary;
import org.diloco4j.app.run.TextSample;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.model.eval.GptEvaluator;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.coord.CheckpointStore;
import org.diloco4j.net.coord.CoordinatorRuntime;
import org.diloco4j.net.coord.CoordinatorServer;
import org.diloco4j.net.coord.FileCheckpointStore;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.wire.RunDefinition;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A networked run, coordinator side: builds the run from its configuration, serves workers over
 * gRPC, and writes the same run directory as a simulated run (config.toml, metrics.jsonl,
 * summary.json, report.html) plus checkpoints. Started again with a checkpoint present, it resumes.
 */
public final class CoordinatorJob {
    /** File in the checkpoint folder that names the run directory, so a restart finds it. */
    static final String RUN_DIR_POINTER = "run-dir";
    static final String TOKEN_FILE = "token";

    /**
     * @param checkpointEvery outer steps between checkpoints; -1 for the config's value (or 10 if that is 0)
     * @param portFile        write the bound port here (useful with port 0); may be null
     */
    public record Options(String bind, int port, Path out, Path checkpointDir, Path tokenFile, Path tlsCert, Path tlsKey,
                          double heartbeat, double sessionTimeout, int chunkBytes, long checkpointEvery, double checkpointSeconds,
                          boolean progress, Path portFile, PrintStream log) {
    }

    /** How the job ended: a summary if the run finished, or null if it was stopped with a checkpoint. */
    public record Outcome(RunTotals totals, Summary summary, RunDirectory dir, Path checkpointDir) {
        public boolean finished() {
            return summary != null;
        }
    }

    private CoordinatorJob() {
    }

    /**
     * Runs a new networked run of {@code config}, or resumes the one checkpointed where the options
     * point; returns when it ends or when {@code stop} is set (then with a checkpoint).
     */
    public static Outcome run(RunConfig config, Options o, AtomicBoolean stop) throws IOException, InterruptedException {
        Path ckptDir = o.checkpointDir() != null ? o.checkpointDir() : o.out() != null ? o.out().resolve("checkpoint") : null;
        Optional<CheckpointStore.Checkpoint> saved = ckptDir == null ? Optional.empty() : new FileCheckpointStore(ckptDir).load();
        RunDirectory dir = null;
        RunConfig cfg;
        if (saved.isPresent()) {
            Path runDir = o.out() != null ? o.out() : Path.of(Files.readString(ckptDir.resolve(RUN_DIR_POINTER)).strip());
            dir = RunDirectory.existing(runDir);
            cfg = ConfigLoader.load(dir.config(), List.of());
            if (config != null && !TomlWriter.write(config).equals(TomlWriter.write(cfg))) {
                throw new ConfigException("the checkpoint in " + ckptDir + " belongs to a run with another configuration (" + dir.config()
                        + "); resume without --config/--set, or start a new run with another --out");
            }
            o.log().println("diloco: resuming the networked run in " + runDir + " from outer step " + saved.get().outerSteps());
        } else {
            cfg = config;
        }
        // Everything that can be wrong with the run is found before a new run directory is made.
        RunSetup setup = RunSetup.build(cfg, o.log()::println);
        CoordinatorConfig cc = setup.coordinatorConfig();
        RunDefinition def;
        try {
            def = RunDefinition.of(TomlWriter.write(cfg), cc, setup.plan(), o.chunkBytes());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (dir == null) {
            Path runDir = o.out() != null ? o.out() : RunDirectory.defaultPath(cfg.str("method") + "-net");
            dir = RunDirectory.create(runDir);
            if (ckptDir == null) ckptDir = dir.checkpoint();
            Files.createDirectories(ckptDir);
            AtomicFiles.write(dir.config(), TomlWriter.write(cfg).getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(ckptDir.resolve(RUN_DIR_POINTER), (runDir.toAbsolutePath() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Token token = token(o, dir);
        long every = o.checkpointEvery() >= 0 ? o.checkpointEvery()
                : cfg.lng("checkpoint.every_outer_steps") > 0 ? cfg.lng("checkpoint.every_outer_steps") : 10;
        RuntimeOptions ropts;
        try {
            ropts = RuntimeOptions.defaults().withHeartbeat(o.heartbeat(), o.sessionTimeout()).withChunkBytes(o.chunkBytes())
                    .withCheckpoints(every, o.checkpointSeconds()).withEvalEveryTokens(cfg.lng("train.eval_every_tokens"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (saved.isPresent()) JsonlMetrics.truncate(dir.metrics(), saved.get().mark());
        FileCheckpointStore store = new FileCheckpointStore(ckptDir);
        RunDirectory runDir = dir;
        try (JsonlMetrics metrics = new JsonlMetrics(dir.metrics()); GptEvaluator evaluator = setup.evaluator();
             Progress progress = o.progress() ? new Progress("train", cfg.lng("train.token_budget"), 0) : null;
             // Rendered off the event loop: workers' pushes must not wait for the page.
             LiveReport live = LiveReport.background(LiveReport.Policy.of(cfg), metrics::flush,
                     () -> Reports.write(runDir, RunStatus.RUNNING), o.log())) {
            if (saved.isEmpty()) metrics.runStart(cfg.str("method"), RunClock.WALL, setup.plan().totalSize(), List.of());
            RunDirListener listener = new RunDirListener(metrics, progress, live, o.log());
            RunTotals totals;
            try (CoordinatorRuntime rt = saved.isPresent()
                    ? CoordinatorRuntime.resume(def, saved.get(), ropts, evaluator, listener, store)
                    : CoordinatorRuntime.start(def, new Coordinator(cc, setup.plan(), setup.initialTheta(), MetricSink.NONE), ropts, evaluator,
                    listener, store)) {
                CoordinatorServer.Listen listen = new CoordinatorServer.Listen(o.bind(), o.port(), o.tlsCert(), o.tlsKey());
                try (CoordinatorServer server = CoordinatorServer.start(rt, token, listen)) {
                    announce(o, listen, server.port(), dir, ckptDir, def);
                    totals = await(rt, stop);
                }
            }
            live.close();
            if (!totals.finished()) {
                metrics.flush();
                Reports.write(dir, RunStatus.STOPPED);
                o.log().println("diloco: coordinator stopped at outer step " + totals.outerSteps() + "; checkpoint saved in " + ckptDir
                        + ". Start the same command again to continue; workers keep trying to reconnect.");
                return new Outcome(totals, null, dir, ckptDir);
            }
            int tokensPerStep = cfg.integer("train.batch") * setup.gpt().context();
            Summary summary = NetSummary.of(cfg.str("method"), setup.plan().totalSize(), tokensPerStep, totals);
            for (TextSample t : RunSamples.of(setup, totals.theta())) metrics.sample(t, totals.seconds(), totals.version());
            metrics.flushAndSize();
            summary.write(dir.summary());
            ModelFile.write(dir.model(), totals.theta());
            NetSummary.writeWire(dir.dir().resolve("wire.json"), totals);
            Reports.write(dir);
            return new Outcome(totals, summary, dir, ckptDir);
        }
    }

    private static RunTotals await(CoordinatorRuntime rt, AtomicBoolean stop) throws IOException, InterruptedException {
        while (true) {
            try {
                return rt.end().get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (stop.get()) {
                    try {
                        return rt.stop("stopped by a signal").get(120, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException ex) {
                        throw new IOException("the coordinator could not stop cleanly: " + ex, ex);
                    }
                }
            } catch (ExecutionException e) {
                throw new IOException("the coordinator failed: " + e.getCause(), e.getCause());
            }
        }
    }

    /** The run's token: --token-file, else $DILOCO_TOKEN, else the run directory's token file (made on first start). */
    private static Token token(Options o, RunDirectory dir) throws IOException {
        try {
            if (o.tokenFile() != null) {
                if (Token.readableByOthers(o.tokenFile())) {
                    o.log().println("diloco: warning: token file " + o.tokenFile() + " is readable by other users (chmod 600 it)");
                }
                return Token.fromFile(o.tokenFile());
            }
            String env = System.getenv("DILOCO_TOKEN");
            if (env != null && !env.isBlank()) return Token.of(env.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        Path file = dir.dir().resolve(TOKEN_FILE);
        if (Files.isRegularFile(file)) return Token.fromFile(file);
        Token t = Token.random();
        t.writeTo(file);
        return t;
    }

    private static void announce(Options o, CoordinatorServer.Listen listen, int port, RunDirectory dir, Path ckptDir, RunDefinition def)
            throws IOException {
        if (o.portFile() != null) AtomicFiles.write(o.portFile(), (port + "\n").getBytes(StandardCharsets.UTF_8));
        o.log().printf("diloco: coordinator listening on %s:%d (%s), %s, %d parameters in %d fragment(s)%n", listen.host(), port,
                listen.tls() ? "TLS" : "plaintext", def.method(), def.modelSize(), def.plan().count());
        o.log().println("diloco: run directory " + dir.dir() + ", checkpoints in " + ckptDir);
        if (o.tokenFile() == null && System.getenv("DILOCO_TOKEN") == null) {
            o.log().println("diloco: workers join with: ./diloco worker --join <this host>:" + port + " --token-file "
                    + dir.dir().resolve(TOKEN_FILE).toAbsolutePath());
        }
        if (!listen.tls() && !isLoopback(listen.host())) {
            o.log().println("diloco: warning: traffic, the token included, is not encrypted; use --tls-cert and --tls-key on networks you do not trust");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
