package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.FakeClock;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.WorkerStats;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event loop's handlers called by hand on a loop that is not started, so that an order of
 * events a race would produce (or a state a shutdown leaves) is set up exactly rather than raced for.
 */
class RunLoopByHandTest {
    static final int N = 16;
    final FakeClock clock = new FakeClock();
    final CoordinatorConfig config = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).tokensPerStep(16).build();
    final RuntimeOptions opts = RuntimeOptions.defaults();
    final RunDefinition run = RunDefinition.of("# run loop by hand\n", config, FragmentPlan.whole(N), opts.chunkBytes());
    final Coordinator coordinator = new Coordinator(config, run.plan(), new float[N], m -> { });
    final RuntimeState st = new RuntimeState(coordinator, config, run.configToml());
    final RunLoop loop = new RunLoop(run, st, opts, 64L << 20 /* snapshot budget: many θ of this small model */, null, new RuntimeListener() {
        public void metric(Metric m) {
        }

        public void segment(String worker, Segment.Kind kind, double start, double end) {
        }

        public void log(String line) {
        }
    }, null, CoordinatorMetrics.NONE, clock);

    @AfterEach
    void close() {
        loop.threads.close();
    }

    static HeartbeatRequest beat(long steps, double compute) {
        return HeartbeatRequest.newBuilder().setStats(WorkerStats.newBuilder().setSteps(steps).setTokens(steps * 16).setComputeSeconds(compute)
                .setBytesUp(100 * steps).setBytesDown(100 * steps)).build();
    }

    /**
     * Heartbeat totals are checked on the transport's threads and reach the loop afterwards: two
     * heartbeats of one process checked in order can be handled in the other order. The run's
     * totals for the process do not go back to the older one's.
     */
    @Test
    void anOlderReportHandledAfterANewerOneLeavesTheNewerTotals() {
        JoinReply a = loop.admit(JoinRequest.newBuilder().setName("a").setShard(-1).setInstance("process-a").setProtocol(Limits.PROTOCOL).build(),
                new Caller(null, "test"));
        Session s = loop.sessions.lookup(a.getSession());
        clock.advance(5);
        HeartbeatRequest older = beat(4, 1.0);
        HeartbeatRequest newer = beat(9, 2.5);
        assertThat(s.reports.check(older.getStats(), loop.now())).isNull();
        assertThat(s.reports.check(newer.getStats(), loop.now())).isNull();
        loop.report(s, newer);
        loop.report(s, older);

        assertThat(st.workers.get("process-a").steps()).isEqualTo(9);
        assertThat(st.workers.get("process-a").computeSeconds()).isEqualTo(2.5);
        assertThat(st.workers.get("process-a").bytesUp()).isEqualTo(900);
        assertThat(st.workers.get("process-a").name()).isEqualTo("a");
    }

    /**
     * A checkpoint cut after a server shutdown had ended the sessions (without telling the
     * coordinator) lists fewer live members than the coordinator holds, and their rounds wait for
     * them. Resumed from it, every member the coordinator holds is lost, not only those listed:
     * otherwise the rounds wait for ever (one of StreamingRestartTest's stalls).
     */
    @Test
    void aResumedLoopDeclaresLostEveryMemberTheCoordinatorHolds() {
        coordinator.handle(new Event.Join("a", -1, 0, 0));
        coordinator.handle(new Event.Join("b", -1, 0, 0));
        st.members.add(0); // b's session had already ended when the checkpoint was cut
        loop.resumed();
        assertThat(coordinator.memberCount()).isZero();
        assertThat(st.members).isEmpty();
    }
}
