package org.diloco4j.net.coord;

import org.diloco4j.net.FakeClock;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DecisionKind;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.Refusals;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime's entry points against its event loop, in process and without a server: joins are
 * admitted or refused on the loop, and the run's clock and session timeouts follow the injected
 * clock (advanced by hand here, never slept on).
 */
class RunLoopTest {
    static final int N = 16;
    final FakeClock clock = new FakeClock();
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<Metric> metrics = new CopyOnWriteArrayList<>();
    final RuntimeListener listener = new RuntimeListener() {
        public void metric(Metric m) {
            metrics.add(m);
        }

        public void segment(String worker, org.diloco4j.core.run.Segment.Kind kind, double start, double end) {
        }

        public void log(String line) {
            log.add(line);
        }
    };
    // Housekeeping looks every 50 ms of real time; the 1 s session timeout is measured on the fake clock.
    final RuntimeOptions opts = RuntimeOptions.defaults().withHeartbeat(0.05, 1.0);
    final CoordinatorConfig config = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).minWorkers(2).build();
    final RunDefinition run = RunDefinition.of("# run loop test\n", config, FragmentPlan.whole(N), opts.chunkBytes());
    final CoordinatorRuntime rt = CoordinatorRuntime.start(run, new Coordinator(config, run.plan(), new float[N], m -> { }), opts, null,
            listener, null, CoordinatorMetrics.NONE, clock);

    @AfterEach
    void close() {
        rt.close();
    }

    JoinReply join(String name) {
        return rt.join(JoinRequest.newBuilder().setName(name).setShard(-1).setInstance(UUID.randomUUID().toString())
                .setProtocol(Limits.PROTOCOL).build(), new org.diloco4j.net.auth.Caller(null, "test")).join();
    }

    void advance(double seconds) {
        clock.advance(seconds);
    }

    static void waitFor(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 200 && !done.getAsBoolean(); i++) Thread.sleep(25);
        assertThat(done.getAsBoolean()).isTrue();
    }

    /** Lets housekeeping run a few times (each 50 ms). */
    static void housekeepingRounds() throws InterruptedException {
        Thread.sleep(250);
    }

    @Test
    void theRunsClockIsTheInjectedClock() {
        assertThat(rt.now()).isZero();
        advance(3);
        assertThat(rt.now()).isEqualTo(3.0);
        assertThat(join("a").getCoordinatorTime()).isEqualTo(3.0);
    }

    @Test
    void aSessionSilentLongerThanTheTimeoutOnTheClockIsLost() throws InterruptedException {
        assertThat(join("a").getAdmitted()).isTrue();
        advance(0.9);
        housekeepingRounds();
        assertThat(rt.query(Coordinator::memberCount)).isEqualTo(1);
        advance(0.6);
        waitFor(() -> rt.query(Coordinator::memberCount) == 0);
        assertThat(metrics).anyMatch(m -> m instanceof Metric.Decision d && d.kind() == DecisionKind.LOST
                && d.reason().contains("no heartbeat for 1.5 s (session timeout 1.0 s)"));
    }

    @Test
    void aHeartbeatKeepsTheSessionAlive() throws InterruptedException {
        JoinReply a = join("a");
        Session s = rt.session(a.getSession());
        assertThat(s).isNotNull();
        advance(0.8);
        rt.heartbeat(s, HeartbeatRequest.getDefaultInstance());
        advance(0.8);
        housekeepingRounds();
        assertThat(rt.query(Coordinator::memberCount)).isEqualTo(1);
        assertThat(rt.session(a.getSession())).isSameAs(s);
    }

    @Test
    void aJoinAfterTheRunStoppedIsRefusedAsOver() {
        rt.stop("test").join();
        JoinReply r = join("late");
        assertThat(r.getAdmitted()).isFalse();
        assertThat(r.getRefusal()).isEqualTo(Refusals.toProto(Refusal.RUN_OVER));
        assertThat(r.getReason()).startsWith("the run is over");
        assertThat(log).anyMatch(l -> l.equals("stopped at outer step 0: test"));
    }

    @Test
    void aMemberThatLeavesIsGoneFromTheCoordinator() throws InterruptedException {
        JoinReply a = join("a");
        rt.leave(rt.session(a.getSession()));
        waitFor(() -> rt.query(Coordinator::memberCount) == 0);
        assertThat(rt.session(a.getSession())).isNull();
    }
}
