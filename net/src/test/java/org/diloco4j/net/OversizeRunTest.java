package org.diloco4j.net;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.net.wire.RunSpecs;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run definition says how large θ is in a long (int64 on the wire), but a worker holds θ, its
 * replica and every pull in one {@code float[]}: a model past 2^31 − 9 values is refused at join,
 * in one line that says why, before a trainer is built — not overflowed later.
 */
class OversizeRunTest {
    @Test
    void aWorkerRefusesARunLargerThanOneArrayInOneLine() throws Exception {
        RunDefinition big = RunDefinition.of("# a 3B run\n", CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(2).build(),
                FragmentPlan.whole(3_000_000_000L), 1024);
        try (FakeCoordinator f = new FakeCoordinator()) {
            f.joins = n -> JoinReply.newBuilder().setAdmitted(true).setName("w").setSession(FakeCoordinator.SESSION)
                    .setRun(RunSpecs.toProto(big)).setHeartbeatSeconds(0.05).setSessionTimeoutSeconds(5).build();
            WorkerRuntime.Outcome o = f.runWorker();
            assertThat(o.exit()).isEqualTo(WorkerRuntime.Exit.REFUSED);
            assertThat(o.reason()).startsWith("this worker cannot take part: the run's model has 3000000000 values")
                    .contains("limited to 2147483639 values").doesNotContain("\n");
            assertThat(f.joined).hasValue(1);
            assertThat(f.log).noneMatch(l -> l.contains("joined as"));
        }
    }
}
