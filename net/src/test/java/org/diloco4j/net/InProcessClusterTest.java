package org.diloco4j.net;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.net.coord.CheckpointStore;
import org.diloco4j.net.coord.FileCheckpointStore;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.worker.WorkerClient;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.diloco4j.net.coord.CoordinatorRuntime;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The network runtime end to end on the toy problem, workers as threads over grpc's in-process transport. */
class InProcessClusterTest {
    static final RuntimeOptions FAST = RuntimeOptions.defaults().withHeartbeat(0.1, 1.0).withCheckpoints(0, 0).withEvalEveryTokens(2000)
            .withChunkBytes(1024);
    static final int BATCH = 16;

    static CoordinatorConfig.Builder base(Method method) {
        return CoordinatorConfig.builder().method(method).innerSteps(10).minWorkers(3).shards(DataShards.own(1000, 1000, 1000))
                .tokenBudget(3 * BATCH * 10 * 12);
    }

    static void startThree(ToyCluster c) {
        for (int i = 0; i < 3; i++) c.startWorker(WorkerOptions.named("w" + i));
    }

    static void waitFor(BooleanSupplier cond, double seconds) throws InterruptedException {
        long until = System.nanoTime() + (long) (seconds * 1e9);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("condition not met within " + seconds + " s");
            Thread.sleep(20);
        }
    }

    @Test
    void synchronousDilocoTrainsToTheBudgetAndImprovesTheLoss() throws Exception {
        try (ToyCluster c = new ToyCluster(base(Method.DILOCO).build(), FAST, false, null)) {
            startThree(c);
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(t.stopReason()).contains("token budget");
            assertThat(t.tokens()).isGreaterThanOrEqualTo(c.config.tokenBudget());
            assertThat(t.outerSteps()).isEqualTo(12);
            assertThat(t.finalEval().loss()).isLessThan(0.5 * t.initialEval().loss());
            // Every synchronous round has the three members, each contributing one pseudo-gradient.
            assertThat(c.recorder.steps()).allSatisfy(s -> assertThat(s.contributors()).hasSize(3));
            c.joinWorkers(10);
            assertThat(c.outcomes).hasSize(3).allSatisfy((k, v) -> assertThat(v.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED));
            assertThat(t.workers()).extracting(w -> w.name()).containsExactlyInAnyOrder("w0", "w1", "w2");
            // Each worker's final report is in: its steps add up to the tokens trained.
            long steps = t.workers().stream().mapToLong(w -> w.steps()).sum();
            assertThat(steps * BATCH).isEqualTo(t.tokens());
        }
    }

    /**
     * Least-sampled shards hand a worker a different shard from one assignment to the next: it
     * switches its trainer to that shard and keeps it (and its AdamW state) — one trainer per worker
     * for the whole run, as in the simulator.
     */
    @Test
    void aWorkerSwitchesShardsWithoutRebuildingItsTrainer() throws Exception {
        CoordinatorConfig cfg = base(Method.ASYNC_DN_DYLU).outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0))
                .shards(DataShards.leastSampled(1000, 1000, 1000)).build();
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger switches = new java.util.concurrent.atomic.AtomicInteger();
        try (ToyCluster c = new ToyCluster(cfg, FAST, false, null)) {
            for (int i = 0; i < 3; i++) {
                c.startWorker(WorkerOptions.named("w" + i).withStepDelay(1 + 2 * i), c.client(ToyCluster.TOKEN), (run, shard, threads) -> {
                    built.incrementAndGet();
                    return new org.diloco4j.core.train.ForwardingTrainer(ToyCluster.provider().create(run, shard, threads)) {
                        @Override
                        public void useShard(int s) {
                            switches.incrementAndGet();
                            super.useShard(s);
                        }
                    };
                });
            }
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(switches.get()).as("shards switched").isPositive();
            assertThat(built.get()).as("trainers built").isEqualTo(3);
            assertThat(c.workerLog).noneMatch(l -> l.contains("building a new trainer"));
        }
    }

    @Test
    void asyncDelayedNesterovWithDyluGivesTheSlowWorkerFewerSteps() throws Exception {
        CoordinatorConfig cfg = base(Method.ASYNC_DN_DYLU).innerSteps(20).dylu(true).minInnerSteps(1)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0)).tokenBudget(3 * BATCH * 20 * 10).build();
        try (ToyCluster c = new ToyCluster(cfg, FAST, false, null)) {
            c.startWorker(WorkerOptions.named("fast0").withStepDelay(1));
            c.startWorker(WorkerOptions.named("fast1").withStepDelay(1));
            c.startWorker(WorkerOptions.named("slow").withStepDelay(8));
            RunTotals t = c.await(60);
            assertThat(t.finished()).isTrue();
            assertThat(t.finalEval().loss()).isLessThan(t.initialEval().loss());
            // Async: pseudo-gradients are applied one at a time, some of them stale.
            assertThat(c.recorder.steps()).allSatisfy(s -> assertThat(s.contributors()).hasSize(1));
            assertThat(t.staleness().keySet()).anyMatch(s -> s > 0);
            Map<Integer, List<Long>> tokensBy = tokensPerContribution(c.recorder.steps());
            int slow = memberOf(c, "slow");
            List<Long> slowTokens = tokensBy.get(slow);
            assertThat(slowTokens).as("the slow worker contributed").isNotEmpty();
            // Its first assignment is the full H (no speed known yet); later ones are cut to its speed.
            assertThat(slowTokens.get(slowTokens.size() - 1)).isLessThan(20L * BATCH);
            // Workers report where their time went; the slow one's compute shows in the timeline.
            assertThat(c.recorder.segments).contains("slow:compute");
            assertThat(t.workers()).filteredOn(w -> w.name().equals("slow")).singleElement()
                    .satisfies(w -> assertThat(w.computeSeconds()).isGreaterThan(0.1));
        }
    }

    private static Map<Integer, List<Long>> tokensPerContribution(List<Metric.OuterStep> steps) {
        Map<Integer, List<Long>> out = new HashMap<>();
        long prev = 0;
        for (Metric.OuterStep s : steps) {
            out.computeIfAbsent(s.contributors().get(0), k -> new ArrayList<>()).add(s.tokens() - prev);
            prev = s.tokens();
        }
        return out;
    }

    static int memberOf(ToyCluster c, String name) {
        for (Metric m : c.recorder.metrics) {
            if (m instanceof Metric.Decision d && d.kind() == org.diloco4j.core.coord.DecisionKind.JOIN && d.reason().startsWith(name + "#")) return d.member();
        }
        throw new AssertionError("no join of " + name);
    }

    @Test
    void streamingSynchronisesEachFragmentInTurn() throws Exception {
        CoordinatorConfig cfg = base(Method.STREAMING).innerSteps(10).overlap(1).mergeAlpha(0.5).tokenBudget(3 * BATCH * 10 * 10).build();
        try (ToyCluster c = new ToyCluster(cfg, FAST, false, null)) {
            assertThat(c.run.plan().count()).isEqualTo(2);
            startThree(c);
            RunTotals t = c.await(60);
            assertThat(t.finished()).isTrue();
            assertThat(t.finalEval().loss()).isLessThan(0.5 * t.initialEval().loss());
            List<Integer> fragments = c.recorder.steps().stream().map(Metric.OuterStep::fragment).toList();
            assertThat(fragments).contains(0, 1);
            for (int i = 1; i < fragments.size(); i++) assertThat(fragments.get(i)).isNotEqualTo(fragments.get(i - 1));
        }
    }

    @Test
    void aSynchronousRoundCommitsAtItsDeadlineWithoutTheLateWorker() throws Exception {
        CoordinatorConfig cfg = base(Method.DILOCO).roundDeadline(0.4).quorum(2).tokenBudget(2 * BATCH * 10 * 4).build();
        try (ToyCluster c = new ToyCluster(cfg, FAST, false, null)) {
            c.startWorker(WorkerOptions.named("a"));
            c.startWorker(WorkerOptions.named("b"));
            c.startWorker(WorkerOptions.named("late").withStepDelay(100));
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            int late = memberOf(c, "late");
            assertThat(c.recorder.decisions("drop")).anySatisfy(d -> {
                assertThat(d.member()).isEqualTo(late);
                assertThat(d.reason()).contains("missed the round deadline of 0.4 s");
            });
            assertThat(c.recorder.steps().get(0).contributors()).hasSize(2).doesNotContain(late);
            assertThat(Snapshots.value(c.registry, "diloco_coordinator_contributions_dropped_total", "reason", "deadline")).isPositive();
        }
    }

    @Test
    void aWorkerJoiningMidRunStartsFromTheCurrentThetaAndContributesFromItsNextRound() throws Exception {
        CoordinatorConfig cfg = base(Method.DILOCO).minWorkers(2).tokenBudget(3 * BATCH * 10 * 14).build();
        try (ToyCluster c = new ToyCluster(cfg, FAST, false, null)) {
            // A few ms per step: the toy's 21 rounds would otherwise be over in ~0.1 s, before a busy machine starts the late thread.
            c.startWorker(WorkerOptions.named("early0").withStepDelay(3));
            c.startWorker(WorkerOptions.named("early1").withStepDelay(3));
            waitFor(() -> c.outerSteps() >= 3, 20);
            c.startWorker(WorkerOptions.named("late"));
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            int late = memberOf(c, "late");
            List<Metric.OuterStep> steps = c.recorder.steps();
            assertThat(steps.get(0).contributors()).doesNotContain(late);
            assertThat(steps.get(steps.size() - 1).contributors()).contains(late);
        }
    }

    /** Three workers (w0, w1, w2) held by {@code gate}; their clients in that order. */
    static List<WorkerClient> startThree(ToyCluster c, RoundGate gate) {
        List<WorkerClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WorkerClient client = c.client(ToyCluster.TOKEN);
            c.startWorker(WorkerOptions.named("w" + i), client, gate.provider());
            clients.add(client);
        }
        return clients;
    }

    @Test
    void aWorkerThatDisappearsIsDeclaredLostAndTheRunCompletesWithoutIt() throws Exception {
        try (ToyCluster c = new ToyCluster(base(Method.DILOCO).tokenBudget(3 * BATCH * 10 * 10).build(), FAST, false, null)) {
            RoundGate gate = new RoundGate(3, 3);
            List<WorkerClient> clients = startThree(c, gate);
            gate.awaitHeld();
            assertThat(c.outerSteps()).as("held in round 3").isEqualTo(2);
            clients.get(2).abort();
            gate.open();
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            int gone = memberOf(c, "w2");
            assertThat(c.recorder.decisions("lost")).anySatisfy(d -> {
                assertThat(d.member()).isEqualTo(gone);
                assertThat(d.reason()).contains("no heartbeat");
            });
            List<Metric.OuterStep> steps = c.recorder.steps();
            assertThat(steps.get(steps.size() - 1).contributors()).hasSize(2).doesNotContain(gone);
        }
    }

    @Test
    void aWorkerThatLeavesIsRemovedAndTheOthersCarryOn() throws Exception {
        try (ToyCluster c = new ToyCluster(base(Method.DILOCO).tokenBudget(3 * BATCH * 10 * 10).build(), FAST, false, null)) {
            RoundGate gate = new RoundGate(3, 3);
            startThree(c, gate);
            gate.awaitHeld();
            assertThat(c.outerSteps()).as("held in round 3").isEqualTo(2);
            c.workers.get(0).leave();
            gate.open();
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(c.recorder.decisions("leave")).singleElement().satisfies(d -> assertThat(d.member()).isEqualTo(memberOf(c, "w0")));
            c.joinWorkers(10);
            assertThat(c.outcomes.get("w0").exit()).isEqualTo(WorkerRuntime.Exit.LEFT);
        }
    }

    @Test
    void aWorkerLostDuringTheRunIsToldItIsOverWhenItComesBackAfterTheEnd() throws Exception {
        try (ToyCluster c = new ToyCluster(base(Method.DILOCO).tokenBudget(3 * BATCH * 10 * 6).build(), FAST, false, null);
             RawClient ghost = new RawClient(c.name, ToyCluster.TOKEN);
             RawClient back = new RawClient(c.name, ToyCluster.TOKEN)) {
            String instance = "ghost-process";
            // Joins, then falls silent (no heartbeats): lost after the session timeout, while the others train on.
            JoinRequest join = JoinRequest.newBuilder().setName("ghost").setShard(-1).setInstance(instance).setProtocol(org.diloco4j.net.wire.Limits.PROTOCOL).build();
            assertThat(ghost.blocking.join(join).getAdmitted()).isTrue();
            startThree(c);
            waitFor(() -> c.recorder.log.stream().anyMatch(l -> l.contains("1 worker(s) lost during the run may still reconnect")), 30);
            // The same process comes back after the end: it is told, and then nobody is left to wait for.
            JoinReply r = back.blocking.join(join);
            assertThat(r.getAdmitted()).isFalse();
            assertThat(r.getReason()).startsWith("the run is over");
            RunTotals t = c.await(org.diloco4j.net.wire.Limits.STRAGGLER_SECONDS / 2.0);
            assertThat(t.finished()).isTrue();
            assertThat(c.recorder.decisions("lost")).anySatisfy(d -> assertThat(d.reason()).contains("ghost"));
        }
    }

    @Test
    void aFinishedRunResumedFromItsLastCheckpointEndsAtOnce(@TempDir Path dir) throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        CoordinatorConfig cfg = base(Method.DILOCO).tokenBudget(3 * BATCH * 10 * 3).build();
        RunTotals first;
        try (ToyCluster c = new ToyCluster(cfg, FAST, false, store)) {
            startThree(c);
            first = c.await(30);
        }
        try (ToyCluster again = ToyCluster.resume(cfg, FAST, store, store.load().orElseThrow())) {
            RunTotals t = again.await(10);
            assertThat(t.finished()).isTrue();
            assertThat(t.stopReason()).isEqualTo(first.stopReason());
            assertThat(t.outerSteps()).isEqualTo(first.outerSteps());
            assertThat(t.theta().toArray()).isEqualTo(first.theta().toArray());
        }
    }

    /**
     * Every single-bit flip of a real coordinator checkpoint is refused with one line when the
     * coordinator loads it, the metrics mark among them: version 2 believed a flipped mark and then
     * cut metrics.jsonl inside a line.
     */
    @Test
    void everyFlippedBitOfACoordinatorCheckpointIsRefused(@TempDir Path dir) throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        CoordinatorConfig cfg = base(Method.DILOCO).tokenBudget(3 * BATCH * 10 * 2).build();
        try (ToyCluster c = new ToyCluster(cfg, FAST, false, store)) {
            startThree(c);
            c.await(30);
        }
        byte[] b = java.nio.file.Files.readAllBytes(store.file());
        CheckpointStore.Checkpoint intact = store.load().orElseThrow();
        String what = store.file().toString();
        for (int bit = 0; bit < 8 * b.length; bit++) {
            byte flip = (byte) (1 << (bit % 8));
            b[bit / 8] ^= flip;
            int at = bit;
            assertThatThrownBy(() -> FileCheckpointStore.read(b, what)).as("bit %d", at).isInstanceOf(org.diloco4j.core.io.CheckpointException.class)
                    .satisfies(e -> assertThat(e.getMessage()).startsWith(what).doesNotContain("\n"));
            b[bit / 8] ^= flip;
        }
        assertThat(FileCheckpointStore.read(b, what).mark()).isEqualTo(intact.mark());
        // The metrics mark specifically, as the coordinator loads it.
        String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        b[text.indexOf("\"mark\":\"") + "\"mark\":\"".length()] ^= 1;
        java.nio.file.Files.write(store.file(), b);
        assertThatThrownBy(store::load).hasMessage(what + ": checksum mismatch, the file is corrupted");
    }

    @Test
    void aRestartedCoordinatorResumesFromItsCheckpointAndWorkersRejoin(@TempDir Path dir) throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir);
        RuntimeOptions opts = FAST.withCheckpoints(2, 0);
        CoordinatorConfig cfg = base(Method.DILOCO).tokenBudget(3 * BATCH * 10 * 16).build();
        ToyCluster first = new ToyCluster(cfg, opts, false, store);
        ToyCluster second = null;
        try {
            startThree(first);
            waitFor(() -> first.outerSteps() >= 5, 20);
            first.crashCoordinator();
            CheckpointStore.Checkpoint saved = store.load().orElseThrow();
            // Checkpoints every 2 steps; toy rounds take milliseconds, so a few more may pass before the crash.
            assertThat(saved.outerSteps()).isGreaterThanOrEqualTo(4L);
            second = ToyCluster.resume(first, store, saved);
            RunTotals t = second.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(t.tokens()).isGreaterThanOrEqualTo(cfg.tokenBudget());
            // The step counter continues from the checkpoint (rounds after the restart may be smaller
            // while the workers come back, so there can be more of them).
            List<Metric.OuterStep> after = second.recorder.steps();
            assertThat(after.get(0).step()).isEqualTo(saved.outerSteps() + 1);
            for (int i = 1; i < after.size(); i++) assertThat(after.get(i).step()).isEqualTo(after.get(i - 1).step() + 1);
            assertThat(after.get(after.size() - 1).tokens()).isGreaterThanOrEqualTo(cfg.tokenBudget());
            assertThat(second.recorder.decisions("lost")).hasSize(3)
                    .allSatisfy(d -> assertThat(d.reason()).contains("coordinator restarted"));
            // Workers rejoin as new members (with backoff, so a quick one may finish the run alone).
            assertThat(second.recorder.decisions("join")).isNotEmpty().allSatisfy(d -> assertThat(d.member()).isGreaterThanOrEqualTo(3));
            first.joinWorkers(15);
            assertThat(first.outcomes).allSatisfy((k, v) -> assertThat(v.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED));
        } finally {
            first.close();
            if (second != null) second.close();
        }
    }
}
