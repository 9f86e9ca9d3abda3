package org.diloco4j.net.coord;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.proto.WorkerStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Heartbeat totals against what the coordinator assigned and the time that passed, in saturating arithmetic. */
class ReportsTest {
    static final long TPS = 16;
    final Reports reports = new Reports(CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).tokensPerStep(TPS).build());

    static Order.Builder train(int steps) {
        return Order.newBuilder().setTrain(TrainOrder.newBuilder().setSteps(steps));
    }

    static WorkerStats stats(long steps, long tokens, double compute, double other) {
        return WorkerStats.newBuilder().setSteps(steps).setTokens(tokens).setComputeSeconds(compute).setIdleSeconds(other).build();
    }

    /** A new process given one assignment of {@code steps}, admitted at {@code at}. */
    Reports.Ledger assigned(int steps, double at) {
        Reports.Ledger l = reports.of("i");
        l.ordered(train(steps));
        l.admitted(null, at);
        return l;
    }

    @Test
    void stepsAreBoundedByTheAssignmentsAndTokensByTheSteps() {
        Reports.Ledger l = assigned(10, 100);
        assertThat(l.check(stats(10, 10 * TPS, 5, 1), 110)).isNull();
        assertThat(l.check(stats(11, 11 * TPS, 5, 1), 110)).contains("11 steps").contains("assigned this process 10");
        l.ordered(train(7));
        assertThat(l.check(stats(17, 17 * TPS + 1, 6, 1), 111)).contains("tokens");
        assertThat(l.check(stats(17, 17 * TPS, 6, 1), 111)).isNull();
        // A refused report changes nothing: the last accepted totals stand.
        assertThat(l.totals("w").steps()).isEqualTo(17);
    }

    @Test
    void totalsMayNotGoBackwards() {
        Reports.Ledger l = assigned(10, 0);
        assertThat(l.check(stats(5, 5 * TPS, 3, 1), 10)).isNull();
        assertThat(l.check(stats(4, 4 * TPS, 3, 1), 10)).contains("backwards");
        assertThat(l.check(stats(5, 5 * TPS, 2, 1), 10)).contains("backwards");
    }

    @Test
    void secondsAreBoundedByTheTimeSinceItJoined() {
        Reports.Ledger l = assigned(10, 1000);
        assertThat(l.check(stats(1, TPS, 20 + Reports.COMPUTE_SLACK, 0), 1020)).isNull();
        assertThat(l.check(stats(1, TPS, 20.5 + Reports.COMPUTE_SLACK, 0), 1020)).contains("compute seconds");
        // Idle time before the join counts on the worker: an hour of slack.
        double compute = 20 + Reports.COMPUTE_SLACK;
        assertThat(l.check(stats(1, TPS, compute, 20 + Reports.TIME_SLACK - compute), 1020)).isNull();
        assertThat(l.check(stats(1, TPS, compute, 21 + Reports.TIME_SLACK - compute), 1020)).contains("seconds accounted");
        // NaN is false in every comparison: it must be refused, not kept as the last figure.
        assertThat(l.check(stats(2, 2 * TPS, Double.NaN, 0), 1020)).contains("non-finite");
        assertThat(l.check(stats(2, 2 * TPS, compute, Double.POSITIVE_INFINITY), 1020)).contains("non-finite");
        assertThat(l.totals("w").computeSeconds()).isEqualTo(compute);
    }

    @Test
    void openEndedAssignmentsAndFragmentsAllowTheirSteps() {
        Reports r = new Reports(CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(8).overlap(1).build());
        Reports.Ledger l = r.of("i");
        l.ordered(Order.newBuilder().setTrain(TrainOrder.newBuilder().setOpenEnded(true)));
        l.admitted(null, 0);
        assertThat(l.check(stats(9, 0, 1, 0), 1)).isNull();
        assertThat(l.check(stats(10, 0, 1, 0), 1)).isNotNull();
        l.ordered(Order.newBuilder().setFragment(FragmentOrder.newBuilder().setFragment(0)));
        assertThat(l.check(stats(17, 0, 1, 0), 1)).isNull();
    }

    @Test
    void longMaxTotalsAreRefusedWithoutOverflow() {
        Reports.Ledger l = reports.of("i");
        for (int k = 0; k < 3; k++) l.ordered(train(Integer.MAX_VALUE));
        l.admitted(new RunResult.Worker("w", 0, 0, 0, Long.MAX_VALUE - 5, 0, 0, 0), 0);
        // Restored from a checkpoint: the first report re-bases (only checked to go forwards)...
        assertThat(l.check(stats(Long.MAX_VALUE - 5, 0, 0, 0), 1)).isNull();
        // ...and base + assigned saturates instead of wrapping to a negative allowance.
        assertThat(l.check(stats(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0), 1)).isNotNull();
        assertThat(Reports.plus(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(Reports.plus(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
        assertThat(Reports.times(Long.MAX_VALUE / 2, 3)).isEqualTo(Long.MAX_VALUE);
        assertThat(Reports.times(-(Long.MAX_VALUE / 2), 3)).isEqualTo(Long.MIN_VALUE);
        assertThat(Reports.times(1L << 31, 1L << 31)).isEqualTo(1L << 62);
    }

    @Test
    void aProcessTheCoordinatorSawBeforeItsRestartIsReBasedOnItsFirstReport() {
        Reports.Ledger l = reports.of("i");
        l.ordered(train(10));
        l.admitted(new RunResult.Worker("w", 100, 0, 5, 500, 500 * TPS, 0, 0), 0);
        // It trained 300 more steps while the coordinator was down: unknown here, so taken as the new base.
        assertThat(l.check(stats(800, 800 * TPS, 400, 10), 1)).isNull();
        assertThat(l.check(stats(810, 810 * TPS, 401, 10), 2)).isNull();
        assertThat(l.check(stats(811, 811 * TPS, 401, 10), 2)).contains("assigned");
        // Going backwards is refused even on the first report after the restart.
        Reports.Ledger m = reports.of("j");
        m.admitted(new RunResult.Worker("w", 100, 0, 5, 500, 500 * TPS, 0, 0), 0);
        assertThat(m.check(stats(400, 400 * TPS, 400, 10), 1)).contains("backwards");
    }
}
