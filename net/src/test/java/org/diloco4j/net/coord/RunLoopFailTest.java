package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.FakeClock;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An internal error on the event loop (say, a streamed apply cut part-way by a failing spool read,
 * which leaves θ and the optimizer's buffers partly stepped) ends the run with the error: nothing
 * more is handled and no checkpoint is taken of that state, so the last good checkpoint stays the
 * one the run continues from.
 */
class RunLoopFailTest {
    static final int N = 16;
    final CoordinatorConfig config = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).tokensPerStep(16).build();
    final RuntimeOptions opts = RuntimeOptions.defaults();
    final RunDefinition run = RunDefinition.of("# run loop fail\n", config, FragmentPlan.whole(N), opts.chunkBytes());
    final Coordinator coordinator = new Coordinator(config, run.plan(), new float[N], m -> { });
    final RuntimeState st = new RuntimeState(coordinator, config, run.configToml());
    final List<CheckpointStore.Checkpoint> saved = new CopyOnWriteArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    final CheckpointStore store = new CheckpointStore() {
        public void save(Checkpoint c) {
            saved.add(c);
        }

        public Optional<Checkpoint> load() {
            return Optional.empty();
        }
    };
    final RunLoop loop = new RunLoop(run, st, opts, 64L << 20 /* snapshot budget: many θ of this small model */, null, new RuntimeListener() {
        public void metric(Metric m) {
        }

        public void segment(String worker, Segment.Kind kind, double start, double end) {
        }

        public void log(String line) {
            log.add(line);
        }
    }, store, CoordinatorMetrics.NONE, new FakeClock());

    @AfterEach
    void close() {
        loop.threads.close();
    }

    @Test
    void afterAnInternalErrorNothingMoreIsHandledOrCheckpointed() throws Exception {
        CompletableFuture<Void> failing = new CompletableFuture<>();
        loop.onLoop(() -> {
            throw new UncheckedIOException(new IOException("the spool of an upload could not be read"));
        }, failing);
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> loop.end.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class);

        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Void> later = new CompletableFuture<>();
        loop.onLoop(() -> ran.set(true), later);
        // Ctrl-C after the error: a stop would checkpoint the torn state.
        CompletableFuture<Void> stop = new CompletableFuture<>();
        loop.onLoop(() -> loop.stop("the operator pressed Ctrl-C"), stop);
        assertThatThrownBy(() -> later.get(10, TimeUnit.SECONDS)).hasMessageContaining("stopped after an internal error");
        assertThatThrownBy(() -> stop.get(10, TimeUnit.SECONDS)).hasMessageContaining("stopped after an internal error");
        assertThat(ran).isFalse();
        assertThat(saved).as("checkpoints after the error").isEmpty();
        assertThat(log).anyMatch(l -> l.contains("internal error") && l.contains("without a checkpoint"));
    }

    /**
     * After a stop whose checkpoint was written, a task that still reaches the loop and fails (a transport
     * callback racing the shutdown onto a closed executor) is dropped at the debug level: no "internal error
     * … stopped without a checkpoint" line, which would be false, and the loop is not halted.
     */
    @Test
    void aTaskThatFailsAfterTheRunStoppedIsDroppedQuietly() throws Exception {
        List<LogRecord> debug = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            public void publish(LogRecord r) {
                debug.add(r);
            }

            public void flush() {
            }

            public void close() {
            }
        };
        Level was = RunLoop.LATE.getLevel();
        RunLoop.LATE.addHandler(h);
        RunLoop.LATE.setLevel(Level.FINE);
        try {
            loop.onLoop(() -> loop.stop("the operator pressed Ctrl-C"));
            assertThat(loop.end.get(10, TimeUnit.SECONDS).finished()).isFalse();
            assertThat(saved).as("the stop's checkpoint").hasSize(1);

            CompletableFuture<Void> late = new CompletableFuture<>();
            loop.onLoop(() -> {
                throw new RejectedExecutionException("the server's executor is shut down");
            }, late);
            assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(RejectedExecutionException.class);
            CompletableFuture<Boolean> next = new CompletableFuture<>();
            loop.onLoop(() -> next.complete(true), next);
            assertThat(next.get(10, TimeUnit.SECONDS)).as("a task after the late one still runs").isTrue();

            assertThat(log).noneMatch(l -> l.contains("internal error"));
            assertThat(debug).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.FINE);
                assertThat(r.getThrown()).isInstanceOf(RejectedExecutionException.class);
            });
        } finally {
            RunLoop.LATE.removeHandler(h);
            RunLoop.LATE.setLevel(was);
        }
    }
}
