package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.io.CheckpointFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streaming coordinator restored from a checkpoint decides as the one that went on: who waits for
 * which fragment is part of the state. It cannot be rebuilt from the rounds' contributions — a
 * member whose push was dropped because the round opened before it joined has none, yet waits.
 */
class StreamingCheckpointTest {
    static final CoordinatorConfig CFG = StreamingModel.config().minWorkers(1).build();

    /**
     * A trains alone; B joins (rounds {0, 0}); A commits fragment 0, so B is in fragment 0's round 1
     * but not in fragment 1's round 0: its push of fragment 1 is dropped and it waits for fragment
     * 1's values. The checkpoint is taken there, when no round holds a contribution of B. A then sends
     * fragment 0 of round 1 and waits for it: round 1 waits for B, who waits for fragment 1, whose
     * round waits for A — a cycle, which both coordinators must break the same way (on the old code
     * the restored one did not know B waited, and stalled).
     */
    @ParameterizedTest(name = "phantom={0}")
    @ValueSource(booleans = {false, true})
    void aCheckpointAfterAJoinedAfterRoundDropResumesToTheSameDecisions(boolean phantom) throws Exception {
        StreamingRun going = new StreamingRun(CFG, phantom);
        going.join("a", 0);
        going.join("b", 1);
        going.push(0, 1, 0, 0, 2);
        going.push(1, 2, 1, 0, 3);
        assertThat(going.metrics).anyMatch(m -> m instanceof Metric.Decision d && d.member() == 1 && d.cause() == DropCause.JOINED_AFTER_ROUND);

        byte[] file = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, going.c.state(), Map.of());
        Coordinator.State read = CheckpointFile.read(file, "test", CheckpointFile.Kind.COORDINATOR, Coordinator.State.class).state();
        assertThat(read.policy()).isInstanceOfSatisfying(StreamingPolicy.State.class,
                s -> assertThat(s.waits()).containsExactly(new StreamingPolicy.MemberFragment(1, 1)));
        StreamingRun resumed = new StreamingRun(CFG, read);
        going.metrics.clear();

        for (StreamingRun r : List.of(going, resumed)) {
            r.push(0, 1, 0, 1, 4);
            r.push(1, 2, 0, 1, 5);
        }
        assertThat(going.decided()).as("the cycle is broken: A is left out of fragment 1's round 0")
                .anyMatch(d -> d.contains("DROP 0 " + DropCause.WAITS_IN_CYCLE));
        assertThat(resumed.decided()).isEqualTo(going.decided());
        assertThat(((StreamingPolicy.State) resumed.c.state().policy()).waits()).isEqualTo(((StreamingPolicy.State) going.c.state().policy()).waits());
    }
}
