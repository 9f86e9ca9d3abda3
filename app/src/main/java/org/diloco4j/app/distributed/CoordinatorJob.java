package org.diloco4j.app.distributed;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.config.TomlWriter;
import org.diloco4j.app.failure.Failures;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.core.io.AtomicFiles;
import org.diloco4j.app.report.RunStatus;
import org.diloco4j.app.run.JsonlMetrics;
import org.diloco4j.app.run.LiveReport;
import org.diloco4j.app.run.Progress;
import org.diloco4j.app.run.Reports;
import org.diloco4j.app.run.RunClock;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.RunGuard;
import org.diloco4j.app.run.RunSamples;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.RunFinish;
import org.diloco4j.app.run.Summary;
import org.diloco4j.app.run.TextSample;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.model.eval.GptEvaluator;
import org.diloco4j.net.auth.Keyring;
import org.diloco4j.net.auth.LiveCredentials;
import org.diloco4j.net.tls.ServerTls;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.coord.AdmissionLimits;
import org.diloco4j.net.coord.CheckpointStore;
import org.diloco4j.net.coord.CoordinatorRuntime;
import org.diloco4j.net.coord.CoordinatorServer;
import org.diloco4j.net.coord.FileCheckpointStore;
import org.diloco4j.net.coord.ThetaForm;
import org.diloco4j.net.coord.MemoryBound;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.coord.SnapshotPlace;
import org.diloco4j.net.coord.SpoolOptions;
import org.diloco4j.net.metrics.CoordinatorMetrics;
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
import java.util.function.Consumer;

/**
 * A networked run, coordinator side: builds the run from its configuration, serves workers over
 * gRPC, and writes the same run directory as a simulated run (config.toml, metrics.jsonl,
 * summary.json, report.html) plus checkpoints. Started again on its run directory it continues: from
 * its checkpoint, or from θ₀ if it stopped before its first one.
 */
public final class CoordinatorJob {
    static final String TOKEN_FILE = "token";

    /**
     * @param checkpointEvery outer steps between checkpoints; -1 for the config's value (or 10 if that is 0)
     * @param portFile        write the bound port here (useful with port 0); may be null
     * @param metrics         where the runtime's metrics go (Prometheus, or {@link CoordinatorMetrics#NONE})
     * @param credentials     per-worker credentials file (then no shared token), or null
     * @param tls             the server's certificate and key, read and checked once, or null for plaintext
     * @param admission       member cap and join rate, per credential (per address with the shared token)
     */
    public record Options(String bind, int port, Path out, Path checkpointDir, Path tokenFile, ServerTls tls,
                          double heartbeat, double sessionTimeout, int chunkBytes, long checkpointEvery, double checkpointSeconds,
                          boolean progress, Path portFile, PrintStream log, CoordinatorMetrics metrics, Path credentials,
                          AdmissionLimits admission) {
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
     * Runs a new networked run of {@code config}, or continues the one started where the options
     * point (from its checkpoint, or from θ₀ without one); returns when it ends or when {@code stop}
     * is set (then with a checkpoint). Everything that can be wrong with a new run is found before
     * its directory is made, and a new run that fails before its first outer step leaves nothing.
     */
    public static Outcome run(RunConfig config, Options o, AtomicBoolean stop) throws IOException, InterruptedException {
        Path ckptDir = o.checkpointDir() != null ? o.checkpointDir() : o.out() != null ? o.out().resolve("checkpoint") : null;
        Optional<LoadedCheckpoint> saved = ckptDir == null ? Optional.empty() : load(ckptDir).map(LoadedCheckpoint::new);
        RunDirectory dir = null;
        RunConfig cfg = config;
        // A run this command started before: continued from its checkpoint, or, stopped before its first
        // one (a kill in its first outer steps, a start that failed), started again from θ₀ in its directory.
        if (saved.isPresent() || RunDirectory.networkedRunIn(ckptDir)) {
            dir = RunDirectory.existing(o.out() != null ? o.out() : pointedRunDir(ckptDir));
            cfg = ConfigLoader.loadSaved(dir.config());
            if (config != null && !config.equals(cfg)) {
                throw new ConfigException("run directory " + dir.dir() + " holds a networked run with another configuration (" + dir.config()
                        + "); continue it with the same command without --config/--set, or start a new run with another --out");
            }
        }
        Path newDir = dir != null ? null : o.out() != null ? o.out() : RunDirectory.defaultPath(cfg.str("method") + "-net");
        // The quick checks first; then the corpus and the device, which take a while.
        if (newDir != null) RunDirectory.requireFree(newDir);
        Token token = o.credentials() != null ? null : givenToken(o);
        if (o.credentials() != null) credentials(o, o.log()::println);
        PortProbe.requireFree(o.bind(), o.port());
        RunSetup setup = RunSetup.build(cfg, o.log()::println);
        if (saved.isEmpty()) setup.checkInitFrom();
        RunDefinition def;
        RuntimeOptions ropts;
        try {
            def = RunDefinition.of(TomlWriter.write(cfg), setup.coordinatorConfig(), setup.plan(), o.chunkBytes());
            long every = o.checkpointEvery() >= 0 ? o.checkpointEvery()
                    : cfg.lng("checkpoint.every_outer_steps") > 0 ? cfg.lng("checkpoint.every_outer_steps") : 10;
            ropts = RuntimeOptions.defaults().withHeartbeat(o.heartbeat(), o.sessionTimeout()).withChunkBytes(o.chunkBytes())
                    .withCheckpoints(every, o.checkpointSeconds()).withEvalEveryTokens(cfg.lng("train.eval_every_tokens"))
                    .withAdmission(o.admission()).withSpool(SpoolOptions.fromSystem())
                    .withThetaSnapshots(SnapshotPlace.parse(cfg.str("coordinator.theta_snapshots")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        // Before the run directory and the coordinator's state are made: a heap too small is one line now, not an OutOfMemoryError later.
        MemoryBound bound = MemoryBound.of(def, setup.coordinatorConfig(), ropts, Runtime.getRuntime().maxMemory());
        if (!bound.fits()) throw UserError.usage(bound.problem(), bound.remedy());
        if (stop.get()) throw UserError.stoppedBeforeStart();
        RunGuard guard;
        if (dir == null) {
            guard = RunGuard.create(newDir);
            dir = guard.dir();
            if (ckptDir == null) ckptDir = dir.checkpoint();
            try {
                guard.alsoCreate(ckptDir);
                AtomicFiles.write(dir.config(), TomlWriter.write(cfg).getBytes(StandardCharsets.UTF_8));
                AtomicFiles.write(ckptDir.resolve(RunDirectory.RUN_DIR_POINTER), (newDir.toAbsolutePath() + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                throw guard.failed(e);
            }
        } else {
            guard = RunGuard.resuming(dir);
            o.log().println(saved.isPresent() ? "diloco: resuming the networked run in " + dir.dir() + " from outer step " + saved.get().outerSteps()
                    : "diloco: restarting the networked run in " + dir.dir() + " from the start: it stopped before its first checkpoint");
        }
        try {
            if (token == null && o.credentials() == null) token = runToken(dir);
            return serve(new Run(cfg, setup, def, ropts, bound, dir, ckptDir, saved, token), o, guard, stop);
        } catch (Exception | Error e) {
            throw guard.failed(e);
        }
    }

    /** What {@link #serve} needs of a run that passed every check. */
    private record Run(RunConfig cfg, RunSetup setup, RunDefinition def, RuntimeOptions ropts, MemoryBound bound, RunDirectory dir, Path ckptDir,
                       Optional<LoadedCheckpoint> saved, Token token) {
    }

    private static Outcome serve(Run r, Options o, RunGuard guard, AtomicBoolean stop) throws IOException, InterruptedException {
        RunConfig cfg = r.cfg();
        RunSetup setup = r.setup();
        RunDirectory dir = r.dir();
        // Back to where the checkpoint was taken; a run started again from θ₀ starts its record again too.
        JsonlMetrics.truncate(dir.metrics(), r.saved().map(LoadedCheckpoint::mark).orElse(0L));
        FileCheckpointStore store = new FileCheckpointStore(r.ckptDir());
        try (JsonlMetrics metrics = new JsonlMetrics(dir.metrics()); GptEvaluator evaluator = setup.evaluator();
             Progress progress = o.progress() ? Progress.onStderr("coordinator", cfg.lng("train.token_budget"), 0, RunClock.WALL) : null) {
            if (r.saved().isEmpty()) metrics.runStart(cfg.str("method"), RunClock.WALL, setup.plan().totalSize(), List.of());
            // While the progress line is up, log lines go above it rather than through it.
            PrintStream log = progress != null ? progress.log() : o.log();
            RunTotals totals;
            // Rendered off the event loop: workers' pushes must not wait for the page. Closing it waits
            // for a rewrite in progress, so the final report does not race with it.
            try (LiveReport live = LiveReport.background(LiveReport.Policy.of(cfg), metrics::flush,
                    () -> Reports.write(dir, RunStatus.RUNNING), log)) {
                RunDirListener listener = new RunDirListener(metrics, progress, live, log, guard);
                try (CoordinatorRuntime rt = r.saved().isPresent()
                        ? CoordinatorRuntime.resume(r.bound(), r.def(), r.saved().get().take(), r.ropts(), evaluator, listener, store, o.metrics())
                        // θ₀ is drawn for the coordinator alone and not used again: it becomes θ, in chunks past 2^29 values (ThetaForm).
                        : CoordinatorRuntime.start(r.bound(), r.def(), Coordinator.adopting(setup.coordinatorConfig(), setup.plan(),
                        ThetaForm.of(setup.initialTheta()), MetricSink.NONE), r.ropts(), evaluator, listener, store, o.metrics())) {
                    if (progress != null && r.saved().isPresent()) {
                        record Standing(long tokens, long outerSteps, long bytes) {
                        }
                        Standing at = rt.query(c -> new Standing(c.tokens(), c.outerSteps(), c.ledger().up() + c.ledger().down()));
                        progress.resumedAt(at.tokens(), at.outerSteps(), at.bytes(), r.saved().get().clock());
                    }
                    CoordinatorServer.Listen listen = new CoordinatorServer.Listen(o.bind(), o.port(), o.tls());
                    Keyring keyring = o.credentials() != null ? credentials(o, line -> log.println("diloco: " + line)) : Keyring.shared(r.token());
                    try (CoordinatorServer server = listen(rt, keyring, listen)) {
                        announce(o, log, listen, server.port(), dir, r.ckptDir(), r.def());
                        totals = await(rt, stop);
                    }
                }
            }
            if (progress != null) progress.close();
            if (!totals.finished()) {
                metrics.flush();
                Reports.write(dir, RunStatus.STOPPED);
                o.log().println("diloco: coordinator stopped at outer step " + totals.outerSteps() + "; checkpoint saved in " + r.ckptDir()
                        + ". To continue, start the coordinator again with " + continueWith(o, dir, r.ckptDir())
                        + "; workers keep trying to reconnect.");
                return new Outcome(totals, null, dir, r.ckptDir());
            }
            int tokensPerStep = cfg.integer("train.batch") * setup.gpt().context();
            Summary summary = NetSummary.of(cfg.str("method"), setup.plan().totalSize(), tokensPerStep, totals);
            // The model takes θ as one array: copied out of its chunks once the runtime, and with it the optimizers' state, is gone.
            float[] theta = ThetaForm.array(totals.theta());
            for (TextSample t : RunSamples.of(setup, theta)) metrics.sample(t, totals.seconds(), totals.version());
            metrics.flushAndSize();
            NetSummary.writeWire(dir.dir().resolve("wire.json"), totals);
            RunFinish.write(dir, setup, summary, theta);
            return new Outcome(totals, summary, dir, r.ckptDir());
        }
    }

    private static Optional<CheckpointStore.Checkpoint> load(Path ckptDir) {
        try {
            return new FileCheckpointStore(ckptDir).load();
        } catch (IOException e) {
            throw UserError.failed("cannot resume from the checkpoint in " + ckptDir + ": " + e.getMessage(),
                    "restore it from a copy, or start the run afresh with another --out", e);
        }
    }

    /** The run directory a checkpoint was written for (found without --out when only --checkpoint-dir is given). */
    private static Path pointedRunDir(Path ckptDir) throws IOException {
        Path pointer = ckptDir.resolve(RunDirectory.RUN_DIR_POINTER);
        if (!Files.isRegularFile(pointer)) {
            throw UserError.usage("the checkpoint in " + ckptDir + " does not say which run directory it belongs to ("
                    + pointer + " is missing)", "give the run directory with --out");
        }
        return Path.of(Files.readString(pointer).strip());
    }

    /** Binds the server; what goes wrong here is the address, the port or the TLS files. */
    private static CoordinatorServer listen(CoordinatorRuntime rt, Keyring keyring, CoordinatorServer.Listen listen) throws IOException {
        try {
            return CoordinatorServer.start(rt, keyring, listen);
        } catch (IOException e) {
            throw UserError.failed("cannot listen on " + listen.host() + ":" + listen.port() + ": " + Failures.oneLine(rootMessage(e)),
                    "stop the process that holds the port, or choose another --port", e);
        } catch (IllegalArgumentException e) {
            if (!listen.tls()) throw e;
            throw UserError.usage("cannot use --tls-cert " + listen.serverTls().certFile() + " with --tls-key " + listen.serverTls().keyFile() + ": " + e.getMessage(),
                    "give a PEM certificate chain and its PKCS#8 private key", e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() != null ? c.getMessage() : t.getMessage();
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

    /** The run's token from --token-file or $DILOCO_TOKEN; null if neither is given (the run then makes its own). */
    private static Token givenToken(Options o) {
        try {
            if (o.tokenFile() != null) {
                Token t = Token.fromFile(o.tokenFile());
                if (Token.readableByOthers(o.tokenFile())) {
                    o.log().println("diloco: warning: token file " + o.tokenFile() + " is readable by other users (chmod 600 it)");
                }
                return t;
            }
            String env = System.getenv("DILOCO_TOKEN");
            if (env != null && !env.isBlank()) return Token.of(env.strip());
            return null;
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage(), "make one with: head -c 32 /dev/urandom | base64 | tr -d '/+=' > token && chmod 600 token");
        }
    }

    /** The per-worker credentials of --credentials, re-read while the run goes on; {@code log} hears of changes. */
    private static LiveCredentials credentials(Options o, Consumer<String> log) {
        try {
            return LiveCredentials.open(o.credentials(), log);
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage(), "make or fix it with 'diloco token add NAME --credentials " + o.credentials() + "'");
        }
    }

    /** The run directory's own token file, made on the first start. */
    private static Token runToken(RunDirectory dir) throws IOException {
        Path file = dir.dir().resolve(TOKEN_FILE);
        if (Files.isRegularFile(file)) return Token.fromFile(file);
        Token t = Token.random();
        t.writeTo(file);
        return t;
    }

    /** The option that finds this run's checkpoint again: without it a new run would start. */
    private static String continueWith(Options o, RunDirectory dir, Path ckptDir) {
        return o.checkpointDir() != null ? "--checkpoint-dir " + ckptDir : "--out " + dir.dir();
    }

    private static void announce(Options o, PrintStream log, CoordinatorServer.Listen listen, int port, RunDirectory dir, Path ckptDir,
                                 RunDefinition def) throws IOException {
        if (o.portFile() != null) AtomicFiles.write(o.portFile(), (port + "\n").getBytes(StandardCharsets.UTF_8));
        log.printf("diloco: coordinator listening on %s:%d (%s), %s, %d parameters in %d fragment(s)%n", listen.host(), port,
                listen.tls() ? "TLS" : "plaintext", def.method(), def.modelSize(), def.plan().count());
        log.println("diloco: run directory " + dir.dir() + ", checkpoints in " + ckptDir);
        if (o.credentials() != null) {
            log.println("diloco: admitting the holders of the worker credentials in " + o.credentials() + " (add one with: ./diloco token add NAME --credentials "
                    + o.credentials() + ")");
        } else if (o.tokenFile() == null && System.getenv("DILOCO_TOKEN") == null) {
            log.println("diloco: workers join with: ./diloco worker --join <this host>:" + port + " --token-file "
                    + dir.dir().resolve(TOKEN_FILE).toAbsolutePath());
        }
        if (!listen.tls() && !isLoopback(listen.host())) {
            log.println("diloco: warning: traffic, the token included, is not encrypted; use --tls-cert and --tls-key on networks you do not trust");
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
