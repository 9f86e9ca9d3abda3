package org.diloco4j.net;

import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DecisionKind;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.train.ForwardingTrainer;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.worker.TrainerProvider;
import org.diloco4j.net.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staleness rules of the asynchronous methods and the synchronous round's deadline and quorum
 * under faults — a worker that crashes in the middle of an assignment, one that is always far
 * behind: each contribution left out is dropped with the right {@link DropCause}, and the run ends.
 */
class DropsUnderFaultsTest {
    /**
     * A worker that vanishes in its {@code round}-th assignment — cut off from the coordinator, its
     * training stuck, as kill -9 or a partition looks from the coordinator — until {@code end}: then
     * it comes back, so that the coordinator, which waits a while for lost workers after the run is
     * over, can tell it the run is over and finish at once.
     */
    static TrainerProvider vanishingIn(int round, Partition partition, CountDownLatch vanished, CountDownLatch end) {
        return (run, shard, threads) -> new ForwardingTrainer(ToyCluster.provider().create(run, shard, threads)) {
            final AtomicInteger rounds = new AtomicInteger();

            @Override
            public TrainReport train(int steps, GlobalProgress progress) {
                if (rounds.incrementAndGet() == round) {
                    partition.cut.set(true);
                    vanished.countDown();
                    try {
                        end.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        partition.cut.set(false);
                    }
                }
                return super.train(steps, progress);
            }
        };
    }

    /**
     * Waits until the vanished worker is declared lost, then lets it come back: it rejoins the run,
     * or is told it is over (without it the coordinator would wait for it a while after the end).
     */
    static void comesBackOnceLost(ToyCluster c, CountDownLatch vanished, CountDownLatch end) throws InterruptedException {
        try {
            assertThat(vanished.await(30, TimeUnit.SECONDS)).isTrue();
            InProcessClusterTest.waitFor(() -> !c.recorder.decisions("lost").isEmpty(), 30);
        } finally {
            end.countDown();
        }
    }

    /**
     * Whether, among the decisions recorded after the first {@code from}, the round deadline passed
     * for member {@code who}: it was dropped as missing it, or the deadline was extended (a wait
     * decision carries no code, so that one is known by its reason), or the run stopped.
     */
    static boolean deadlinePassedSince(ToyCluster c, long from, int who) {
        List<Metric> m = c.recorder.metrics;
        for (int i = (int) from; i < m.size(); i++) {
            if (!(m.get(i) instanceof Metric.Decision d)) continue;
            if (d.kind() == DecisionKind.STOP || d.kind() == DecisionKind.WAIT && d.reason().endsWith("deadline extended")
                    || d.cause() == DropCause.MISSED_DEADLINE && d.member() == who) return true;
        }
        return false;
    }

    static List<Metric.Decision> drops(ToyCluster c, int member) {
        return c.recorder.decisions("drop").stream().filter(d -> d.member() == member).toList();
    }

    /**
     * A trainer that, in each call, first holds until {@code released} holds of the number of
     * metrics the run had recorded when the call began (looked at again at each metric recorded):
     * a worker slowed by the run's own events rather than by a step delay set against the clock. A
     * hold that lasts 30 s is a broken run: it is added to {@code stuck}, which the test asserts empty.
     */
    static TrainerProvider heldUntil(ToyCluster c, java.util.function.LongPredicate released, List<String> stuck) {
        return (run, shard, threads) -> new ForwardingTrainer(ToyCluster.provider().create(run, shard, threads)) {
            @Override
            public TrainReport train(int steps, GlobalProgress progress) {
                long from = c.recorder.metrics.size();
                try {
                    if (!c.recorder.awaitMetrics(() -> released.test(from), 30)) stuck.add("held 30 s from metric " + from);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.train(steps, progress);
            }
        };
    }

    @Test
    void asyncDropsTooStalePushesAndDecaysTheRestWhileAWorkerCrashes() throws Exception {
        double a = 0.5;
        long max = 2;
        CoordinatorConfig cfg = InProcessClusterTest.base(Method.ASYNC).minWorkers(3).weighting(new WeightingConfig(WeightingConfig.UNIFORM, a, max))
                .tokenBudget(InProcessClusterTest.BATCH * 10 * 60).build();
        CountDownLatch vanished = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
            c.startWorker(WorkerOptions.named("fast").withStepDelay(1));
            Partition p = new Partition();
            c.startWorker(WorkerOptions.named("crashes").withStepDelay(1), p.client(c), vanishingIn(4, p, vanished, end));
            // Many fast pushes while it trains one assignment of 0.3 s: always staler than 2.
            c.startWorker(WorkerOptions.named("behind").withStepDelay(30));
            comesBackOnceLost(c, vanished, end);
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(t.tokens()).isGreaterThanOrEqualTo(cfg.tokenBudget());
            int behind = InProcessClusterTest.memberOf(c, "behind");
            int crash = InProcessClusterTest.memberOf(c, "crashes");

            // The far-behind worker's pushes are dropped as too stale, with that code and nothing else.
            assertThat(drops(c, behind)).hasSizeGreaterThanOrEqualTo(2).allSatisfy(d -> {
                assertThat(d.cause()).isEqualTo(DropCause.STALE);
                assertThat(d.reason()).contains("too stale").contains("> max " + max);
            });
            assertThat(c.recorder.decisions("drop")).allSatisfy(d -> assertThat(d.cause()).isEqualTo(DropCause.STALE));
            assertThat(Snapshots.value(c.registry, "diloco_coordinator_contributions_dropped_total", "reason", "stale"))
                    .isEqualTo(c.recorder.decisions("drop").size());
            // The vanished worker is declared lost (once: when it comes back it rejoins, or hears the run is over).
            assertThat(c.recorder.decisions("lost")).singleElement().satisfies(d -> assertThat(d.member()).isEqualTo(crash));
            // Every applied push (the far-behind worker's too, should one squeeze in) is within the bound and
            // weighted by (1 + s)^-a, some of them stale.
            List<Metric.OuterStep> steps = c.recorder.steps();
            assertThat(steps).allSatisfy(s -> {
                assertThat(s.staleness().get(0)).isLessThanOrEqualTo(max);
                assertThat(s.weights().get(0)).isCloseTo(Math.pow(1 + s.staleness().get(0), -a), org.assertj.core.data.Offset.offset(1e-12));
            });
            assertThat(steps).anySatisfy(s -> assertThat(s.staleness().get(0)).isPositive());
            assertThat(t.finalEval().loss()).isLessThan(t.initialEval().loss());
        }
    }

    @Test
    void aSynchronousRoundKeepsItsQuorumWhenAMemberCrashesAndAnotherIsAlwaysLate() throws Exception {
        CoordinatorConfig cfg = InProcessClusterTest.base(Method.DILOCO).roundDeadline(1.0).quorum(2)
                .tokenBudget(3 * InProcessClusterTest.BATCH * 10 * 5).build();
        CountDownLatch vanished = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
            c.startWorker(WorkerOptions.named("steady").withStepDelay(2));
            Partition p = new Partition();
            c.startWorker(WorkerOptions.named("crashes").withStepDelay(2), p.client(c), vanishingIn(4, p, vanished, end));
            // Holds each assignment until its round's deadline has passed (it was dropped as missing it,
            // or the deadline was extended for want of a quorum), or the run stopped: always late, by
            // the coordinator's own decisions rather than by a step delay measured against the deadline.
            List<String> stuck = new java.util.concurrent.CopyOnWriteArrayList<>();
            c.startWorker(WorkerOptions.named("late"), c.client(ToyCluster.TOKEN),
                    heldUntil(c, from -> deadlinePassedSince(c, from, InProcessClusterTest.memberOf(c, "late")), stuck));
            comesBackOnceLost(c, vanished, end);
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(stuck).as("the late worker waited for a deadline that never passed").isEmpty();
            int late = InProcessClusterTest.memberOf(c, "late");
            int crash = InProcessClusterTest.memberOf(c, "crashes");
            int steady = InProcessClusterTest.memberOf(c, "steady");

            // While three were in the run, rounds committed at the deadline without the late worker,
            // and what it sent afterwards was late for its round.
            assertThat(drops(c, late)).extracting(Metric.Decision::cause).contains(DropCause.MISSED_DEADLINE, DropCause.LATE);
            assertThat(drops(c, late)).filteredOn(d -> d.cause() == DropCause.MISSED_DEADLINE)
                    .allSatisfy(d -> assertThat(d.reason()).contains("missed the round deadline of 1.0 s"));
            assertThat(drops(c, late)).filteredOn(d -> d.cause() == DropCause.LATE)
                    .allSatisfy(d -> assertThat(d.reason()).contains("late: trained from v"));
            // The crash left one fast contribution per round, below the quorum: the deadline was extended
            // rather than committing a round of one.
            assertThat(c.recorder.decisions("wait")).anySatisfy(d -> assertThat(d.reason()).contains("of the 2 contributions its quorum needs; deadline extended"));
            assertThat(c.recorder.decisions("lost")).singleElement().satisfies(d -> assertThat(d.member()).isEqualTo(crash));
            // Every round committed with at least the quorum; after the crash, the steady and the late worker together.
            List<Metric.OuterStep> steps = c.recorder.steps();
            assertThat(steps).allSatisfy(s -> assertThat(s.contributors()).hasSizeGreaterThanOrEqualTo(2));
            assertThat(steps).anySatisfy(s -> assertThat(s.contributors()).containsExactlyInAnyOrder(steady, late));
            assertThat(c.recorder.metrics).filteredOn(m -> m instanceof Metric.Decision d && d.kind() == DecisionKind.DROP)
                    .allSatisfy(m -> assertThat(((Metric.Decision) m).cause()).isIn(DropCause.MISSED_DEADLINE, DropCause.LATE));
            assertThat(Snapshots.value(c.registry, "diloco_coordinator_contributions_dropped_total", "reason", "deadline")).isPositive();
            assertThat(Snapshots.value(c.registry, "diloco_coordinator_contributions_dropped_total", "reason", "late")).isPositive();
        }
    }
}

