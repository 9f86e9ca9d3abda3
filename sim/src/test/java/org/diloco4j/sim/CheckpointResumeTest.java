package org.diloco4j.sim;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.FragmentPlanner;
import org.diloco4j.core.params.BlockAssignment;
import org.diloco4j.core.train.ForwardingTrainer;
import org.diloco4j.core.train.TrainerState;
import org.diloco4j.sim.toy.ToyEvaluator;
import org.diloco4j.sim.toy.ToyProblem;
import org.diloco4j.sim.toy.ToyTrainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run stopped at any event boundary, saved and resumed equals the uninterrupted run, bit for bit. */
class CheckpointResumeTest {
    final ToyProblem problem = new ToyProblem(ToyRun.IN, ToyRun.OUT, new double[] {1, 1, 1}, 1, 0.1, 3);

    TrainerFactory factory() {
        return (spec, shard, mult) -> new ToyTrainer(problem, shard, 16 * mult, 0.003, 500 + spec.name().hashCode());
    }

    SimConfig sim() {
        LinkProfile link = LinkProfile.mbps(10, 20, 30);
        return new SimConfig(List.of(
                new WorkerSpec("a", new DeviceProfile(0.6, 0.1, List.of()), link, 0),
                new WorkerSpec("b", new DeviceProfile(1.0, 0.1, List.of()), new LinkProfile(1e5, 1e5, 0.05, 0.2), 1),
                new WorkerSpec("c", new DeviceProfile(2.5, 0.1, List.of()), link, 2)),
                List.of(new Fault.Crash("c", 40), new Fault.Join(new WorkerSpec("c", DeviceProfile.of(2.0), link, 2), 60)),
                17, 5, 3000, 0, nic);
    }

    /** The coordinator's NIC of {@link #sim()}: none, or one the workers queue for. */
    CoordinatorNic nic;

    CoordinatorConfig config(Method m) {
        CoordinatorConfig.Builder b = CoordinatorConfig.builder().method(m).innerSteps(8).minWorkers(3)
                .shards(DataShards.own(1000, 1000, 1000)).tokenBudget(12_000).upCodec("int8").errorFeedback(true);
        if (m.async()) b.outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0)).dylu(true).graceSeconds(0.5);
        if (m == Method.STREAMING) b.overlap(1).mergeAlpha(0.3).roundDeadline(30);
        return b.build();
    }

    FragmentPlan plan(Method m) {
        return FragmentPlanner.plan(problem.layout(), m == Method.STREAMING ? 4 : 1, BlockAssignment.SEQUENTIAL);
    }

    record Outcome(float[] theta, List<Metric> metrics, SimResult result) {
    }

    Outcome uninterrupted(Method m) {
        List<Metric> metrics = new ArrayList<>();
        Simulation s = new Simulation(sim(), config(m), plan(m), new float[problem.size()], factory(),
                new ToyEvaluator(problem, 256, 1), metrics::add);
        SimResult r = s.run();
        return new Outcome(s.coordinator().theta().clone(), metrics, r);
    }

    @TempDir
    Path dir;

    /** Pauses after {@code events} events, checkpoints, throws the simulation away and resumes from the file. */
    Outcome interrupted(Method m, int events) throws IOException {
        List<Metric> metrics = new ArrayList<>();
        Simulation s = new Simulation(sim(), config(m), plan(m), new float[problem.size()], factory(),
                new ToyEvaluator(problem, 256, 1), metrics::add);
        int[] count = {0};
        assertThat(s.run(() -> count[0]++ >= events)).isNull();
        Path file = dir.resolve("state-" + m + "-" + events + ".bin");
        s.checkpoint(file);
        Simulation resumed = Simulation.resume(file, sim(), config(m), plan(m), factory(),
                new ToyEvaluator(problem, 256, 1), metrics::add);
        SimResult r = resumed.run();
        return new Outcome(resumed.coordinator().theta().clone(), metrics, r);
    }

    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"DILOCO", "ASYNC_DN_DYLU", "STREAMING"})
    void resumeEqualsAnUninterruptedRun(Method m) throws IOException {
        Outcome a = uninterrupted(m);
        for (int events : new int[] {1, 37, 150}) {
            Outcome b = interrupted(m, events);
            assertThat(b.theta).as("θ after resume at event %d", events).isEqualTo(a.theta);
            assertThat(ToyRun.reproducible(b.metrics)).as("metrics after resume at event %d", events)
                    .isEqualTo(ToyRun.reproducible(a.metrics));
            assertThat(b.result.simulatedSeconds()).isEqualTo(a.result.simulatedSeconds());
            assertThat(b.result.workers()).isEqualTo(a.result.workers());
            assertThat(b.result.timeline()).isEqualTo(a.result.timeline());
        }
        assertThat(a.result.finalEval().loss()).isLessThan(a.result.initialEval().loss());
    }

    /** The coordinator NIC's occupancy is simulation state too: a resumed run queues at it as the uninterrupted one did. */
    @Test
    void resumeWithACoordinatorNicEqualsAnUninterruptedRun() throws IOException {
        double unlimited = uninterrupted(Method.ASYNC_DN_DYLU).result.simulatedSeconds();
        nic = new CoordinatorNic(100, 200);
        Outcome a = uninterrupted(Method.ASYNC_DN_DYLU);
        assertThat(a.result.simulatedSeconds()).as("the NIC slows the run").isGreaterThan(unlimited);
        for (int events : new int[] {1, 37, 150}) {
            Outcome b = interrupted(Method.ASYNC_DN_DYLU, events);
            assertThat(b.theta).as("θ after resume at event %d", events).isEqualTo(a.theta);
            assertThat(b.result.simulatedSeconds()).isEqualTo(a.result.simulatedSeconds());
            assertThat(b.result.timeline()).isEqualTo(a.result.timeline());
        }
    }

    /** A DiLoCo run paused after 20 events, checkpointed to state.bin. */
    private Path diLoCoCheckpointAfter20Events() throws IOException {
        Simulation s = new Simulation(sim(), config(Method.DILOCO), plan(Method.DILOCO), new float[problem.size()], factory(),
                null, Metric -> { });
        int[] count = {0};
        s.run(() -> count[0]++ >= 20);
        Path file = dir.resolve("state.bin");
        s.checkpoint(file);
        return file;
    }

    @Test
    void corruptOrTruncatedCheckpointsAreRefusedWithAReason() throws IOException {
        Path file = diLoCoCheckpointAfter20Events();
        byte[] good = Files.readAllBytes(file);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 1;
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 10);
        byte[] foreign = "hello, this is not a checkpoint".getBytes();
        assertThatThrownBy(() -> resumeFrom(flipped)).hasMessageContaining("checksum");
        assertThatThrownBy(() -> resumeFrom(cut)).hasMessageContaining("truncated");
        assertThatThrownBy(() -> resumeFrom(foreign)).hasMessageContaining("not a safetensors file");
        // Version 1 was Java serialization behind the magic "D4JS".
        byte[] old = java.nio.ByteBuffer.allocate(64).putInt(0x44344A53).putInt(1).array();
        assertThatThrownBy(() -> resumeFrom(old)).hasMessage("checkpoint was made by an older version of diloco4j and cannot be resumed: start the run again");
    }

    /** The second trainer fails to attach on resume (three replicas were saved): every trainer built for the resume is closed before the failure goes on. */
    @Test
    void aFailedAttachClosesEveryTrainerBuiltForTheResume() throws IOException {
        Path file = diLoCoCheckpointAfter20Events();
        int[] built = {0}, closed = {0};
        TrainerFactory failingLast = (spec, shard, mult) -> {
            boolean last = ++built[0] == 2;   // the second: one already attached, one fresh
            return new ForwardingTrainer(factory().create(spec, shard, mult)) {
                @Override
                public void restoreState(TrainerState state) {
                    if (last) throw new java.io.UncheckedIOException(new IOException("read failed mid-way"));
                    super.restoreState(state);
                }

                @Override
                public void close() {
                    closed[0]++;
                    super.close();
                }
            };
        };
        assertThatThrownBy(() -> Simulation.resume(file, sim(), config(Method.DILOCO), plan(Method.DILOCO), failingLast, null, m -> { }))
                .hasMessageContaining("read failed mid-way");
        assertThat(built[0]).isEqualTo(2);
        assertThat(closed[0]).as("trainers closed of %d built", built[0]).isEqualTo(built[0]);
    }

    private void resumeFrom(byte[] b) throws IOException {
        Path file = Files.write(dir.resolve("bad.bin"), b);
        Simulation.resume(file, sim(), config(Method.DILOCO), plan(Method.DILOCO), factory(), null, m -> { });
    }
}
