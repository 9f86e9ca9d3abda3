package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.Segment;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A closed runtime lets go of θ and the outer optimizer's state even while something still refers to
 * the runtime. That something was, in the 1B benchmark, a gRPC transport's graceful-shutdown timer on
 * a Netty event loop thread: EpollEventLoop → ScheduledFutureTask → NettyServerHandler$GracefulShutdown
 * → … → NettyServerTransport → GuardedCredentials$Negotiator → PeerLog → CoordinatorServer's log lambda
 * → CoordinatorRuntime → RunLoop → Coordinator → OuterState → DelayedNesterov.m / .acc (and θ), kept
 * for up to 10 s after the server closed, so reading the checkpoint back ran out of heap. Here the
 * test itself keeps the runtime.
 */
class ClosedRuntimeReleaseTest {
    static final int N = 1 << 20;

    @Test
    void aClosedRuntimeStillReferencedNoLongerHoldsTheta() throws Exception {
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(10).minWorkers(2)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0)).build();
        RunDefinition run = RunDefinition.of("# closed runtime\n", cc, FragmentPlan.whole(N), RuntimeOptions.defaults().chunkBytes());
        float[] theta0 = new float[N];
        WeakReference<float[]> theta = new WeakReference<>(theta0);
        CoordinatorRuntime rt = CoordinatorRuntime.start(run, Coordinator.adopting(cc, run.plan(), theta0, m -> { }), RuntimeOptions.defaults(),
                null, quiet(), discarding());
        theta0 = null;
        // The totals hand θ over; the caller drops them, as the benchmark does.
        assertThat(rt.stop("test over").get(30, TimeUnit.SECONDS).finished()).isFalse();
        rt.close();

        for (int i = 0; i < 10 && theta.get() != null; i++) System.gc();
        assertThat(theta.get()).as("θ of a closed runtime that is still referenced").isNull();
        assertThatThrownBy(rt::now).hasMessageContaining("closed");
        assertThat(rt.end()).isCompletedExceptionally();
        rt.close(); // twice is harmless
    }

    private static CheckpointStore discarding() {
        return new CheckpointStore() {
            public void save(Checkpoint c) {
            }

            public Optional<Checkpoint> load() {
                return Optional.empty();
            }
        };
    }

    static RuntimeListener quiet() {
        return new RuntimeListener() {
            public void metric(Metric m) {
            }

            public void segment(String worker, Segment.Kind kind, double start, double end) {
            }

            public void log(String line) {
            }
        };
    }
}
