package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.FakeClock;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An order of a synchronous round names an exact θ snapshot ({@link ThetaStore#acquire}); when its
 * file cannot be written (a full disk) the run stops with a checkpoint and one line naming the
 * directory and what to do, not with an "internal error" and no checkpoint.
 */
class UnwritableExactSnapshotTest {
    static final int N = 16;
    @TempDir
    Path dir;
    final CoordinatorConfig config = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).tokensPerStep(16).build();
    final RuntimeOptions opts = RuntimeOptions.defaults();
    final RunDefinition run = RunDefinition.of("# unwritable snapshot\n", config, FragmentPlan.whole(N), opts.chunkBytes());
    final Coordinator coordinator = new Coordinator(config, run.plan(), new float[N], m -> { });
    final RuntimeState st = new RuntimeState(coordinator, config, run.configToml());
    final List<CheckpointStore.Checkpoint> saved = new CopyOnWriteArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    RunLoop loop;

    @AfterEach
    void close() {
        if (loop != null) loop.threads.close();
    }

    @Test
    void aSynchronousOrderWhoseSnapshotCannotBeWrittenStopsTheRunWithACheckpointAndOneLine() throws Exception {
        FileSnapshots.Disk full = (channel, from, at) -> {
            throw new IOException("No space left on device");
        };
        CheckpointStore store = new CheckpointStore() {
            public void save(Checkpoint c) {
                saved.add(c);
            }

            public Optional<Checkpoint> load() {
                return Optional.empty();
            }
        };
        loop = new RunLoop(run, st, opts, 64L << 20, new FileSnapshots(dir, full), null, new RuntimeListener() {
            public void metric(Metric m) {
            }

            public void segment(String worker, Segment.Kind kind, double start, double end) {
            }

            public void log(String line) {
                log.add(line);
            }
        }, store, CoordinatorMetrics.NONE, new FakeClock());

        // One member is enough for a round: its train order names θ v0 exactly, made now.
        loop.onLoop(() -> loop.admit(JoinRequest.newBuilder().setName("a").setShard(-1).setInstance("process-a").setProtocol(Limits.PROTOCOL).build(),
                new Caller(null, "test")));

        RunTotals end = loop.end.get(10, TimeUnit.SECONDS);
        assertThat(end.finished()).isFalse();
        assertThat(saved).as("the stop's checkpoint").hasSize(1);
        assertThat(log).noneMatch(l -> l.contains("internal error"));
        assertThat(log).filteredOn(l -> l.startsWith("stopped")).singleElement().satisfies(l -> assertThat(l)
                .contains("could not write θ snapshots to " + dir + ": No space left on device")
                .contains(SpoolOptions.DIR_PROPERTY).contains("continue from this checkpoint").doesNotContain("\n"));
    }
}
