package org.diloco4j.app.run;

import org.diloco4j.app.failure.RunFailure;
import org.diloco4j.core.coord.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** A run that fails before its first outer step leaves nothing behind; one that fails later keeps its directory. */
class RunGuardTest {
    @TempDir
    Path tmp;

    private static final Metric STEP = new Metric.OuterStep(1, 1, 0, List.of(0), List.of(0L), List.of(1.0), 1, 100, 10, 10, 0.1, 1.0);

    @Test
    void aFailureBeforeTheFirstOuterStepRemovesTheFoldersMadeForTheRun() throws IOException {
        RunGuard g = RunGuard.create(tmp.resolve("runs/today/run"));
        Files.writeString(g.dir().config(), "x");
        Files.createDirectories(g.dir().checkpoint());
        g.emit(new Metric.Eval(0, 0, 5.5, Double.NaN, 0, 0, 0));
        RunFailure f = g.failed(new IOException("disk full"));
        assertThat(f.log()).isEmpty();
        assertThat(f.getCause()).hasMessage("disk full");
        assertThat(tmp.resolve("runs")).doesNotExist();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void whatWasInAnExistingFolderStays() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        Path elsewhere = Files.createDirectories(tmp.resolve("ckpts"));
        Files.writeString(elsewhere.resolve("older.ckpt"), "keep me too");
        RunGuard g = RunGuard.create(mine);
        g.alsoCreate(elsewhere);
        Files.writeString(mine.resolve("config.toml"), "x");
        Files.createDirectories(mine.resolve("checkpoint/sub"));
        Files.writeString(elsewhere.resolve("coordinator.ckpt"), "new");
        g.failed(new IllegalStateException("late failure"));
        try (var s = Files.list(mine)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
        try (var s = Files.list(elsewhere)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("older.ckpt");
        }
    }

    @Test
    void afterAnOuterStepTheRunStaysAndItsLogGetsTheTrace() throws IOException {
        RunGuard g = RunGuard.create(tmp.resolve("run"));
        Files.writeString(g.dir().metrics(), "{}\n");
        g.emit(STEP);
        RunFailure f = g.failed(new IOException("disk full"));
        assertThat(f.log()).contains(tmp.resolve("run/diloco.log"));
        assertThat(tmp.resolve("run/metrics.jsonl")).exists();
    }

    @Test
    void aResumedRunIsNeverRemoved() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(dir.resolve("config.toml"), "x");
        RunGuard g = RunGuard.resuming(new RunDirectory(dir));
        RunFailure f = g.failed(new IOException("unreadable"));
        assertThat(f.log()).isEmpty();
        assertThat(dir.resolve("config.toml")).exists();
    }

    @Test
    void aRealRunThatFailsBeforeItsFirstOuterStepLeavesNothing() throws Exception {
        Path dir = tmp.resolve("runs/tiny");
        AtomicBoolean wroteConfig = new AtomicBoolean();
        // The first metric of a run is the evaluation of θ0: it comes after config.toml and metrics.jsonl were written.
        RunFailure f = failRealRun(dir, m -> {
            wroteConfig.set(Files.exists(dir.resolve("config.toml")));
            return true;
        });
        assertThat(wroteConfig).isTrue();
        assertThat(f.log()).isEmpty();
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void aRealRunThatFailsAfterItsFirstOuterStepKeepsItsDirectory() throws Exception {
        Path dir = tmp.resolve("runs/tiny");
        AtomicInteger steps = new AtomicInteger();
        RunFailure f = failRealRun(dir, m -> m instanceof Metric.OuterStep && steps.incrementAndGet() == 2);
        assertThat(f.log()).contains(dir.resolve("diloco.log"));
        assertThat(Files.readString(dir.resolve("metrics.jsonl"))).contains("\"outer_step\"");
    }

    /** A tiny real run in {@code dir} that fails at the first metric {@code failAt} accepts; what its guard makes of the failure. */
    private static RunFailure failRealRun(Path dir, Predicate<Metric> failAt) throws Exception {
        RunSetup setup = RunSetup.build(TinyRuns.config(), s -> { });
        RunGuard g = RunGuard.create(dir);
        TrainJob.Options opts = new TrainJob.Options(false, new PrintStream(PrintStream.nullOutputStream()), m -> {
            g.emit(m);
            if (failAt.test(m)) throw new IllegalStateException("failed at " + m);
        });
        try {
            new TrainJob(setup, g.dir(), opts, new AtomicBoolean()).start();
        } catch (IllegalStateException e) {
            return g.failed(e);
        }
        throw new AssertionError("the run did not fail");
    }
}
