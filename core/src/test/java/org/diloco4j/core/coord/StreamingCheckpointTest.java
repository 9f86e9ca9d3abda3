package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.io.CheckpointFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streaming coordinator restored from a checkpoint decides as the one that went on: who waits for
 * which fragment is part of the state. It cannot be rebuilt from the rounds' contributions — a
 * member whose push was dropped because the round opened before it joined has none, yet waits.
 */
class StreamingCheckpointTest {
    /** A coordinator and what it decided, fed the same events as its twin. */
    static final class Run {
        final List<Metric> metrics = new ArrayList<>();
        final Coordinator c;

        Run(boolean phantom) {
            c = new Coordinator(config(), StreamingModel.PLAN, phantom ? null : new float[StreamingModel.N], metrics::add);
        }

        Run(Coordinator.State saved) {
            c = Coordinator.restore(config(), StreamingModel.PLAN, saved, metrics::add);
        }

        static CoordinatorConfig config() {
            return StreamingModel.config().minWorkers(1).build();
        }

        List<Command> push(int member, long generation, int fragment, long round, double time) {
            float[] g = new float[StreamingModel.PLAN.fragment(fragment).size()];
            java.util.Arrays.fill(g, 0.01f * (member + 1));
            Payload p = new Payload.Bytes("fp32", Codecs.parse("fp32").encode(g));
            return Answers.handle(c, new Event.Delta(member, generation, Answers.AUTO, round, fragment, 5, 5 * StreamingModel.TOKENS_PER_STEP, 0,
                    p, time));
        }

        List<String> decided() {
            List<String> out = new ArrayList<>();
            for (Metric m : metrics) {
                if (m instanceof Metric.Decision d) out.add(d.time() + " " + d.kind() + " " + d.member() + " " + d.cause() + " " + d.reason());
                if (m instanceof Metric.OuterStep s) out.add(s.time() + " STEP " + s.fragment() + " " + s.contributors());
            }
            return out;
        }
    }

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
        Run going = new Run(phantom);
        Answers.handle(going.c, new Event.Join("a", -1, 0, 0));
        Answers.handle(going.c, new Event.Join("b", -1, 0, 1));
        going.push(0, 1, 0, 0, 2);
        going.push(1, 2, 1, 0, 3);
        assertThat(going.metrics).anyMatch(m -> m instanceof Metric.Decision d && d.member() == 1 && d.cause() == DropCause.JOINED_AFTER_ROUND);

        byte[] file = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, going.c.state(), Map.of());
        Coordinator.State read = CheckpointFile.read(file, "test", CheckpointFile.Kind.COORDINATOR, Coordinator.State.class).state();
        assertThat(read.policy()).isInstanceOfSatisfying(StreamingPolicy.State.class,
                s -> assertThat(s.waits()).containsExactly(new StreamingPolicy.MemberFragment(1, 1)));
        Run resumed = new Run(read);
        going.metrics.clear();

        for (Run r : List.of(going, resumed)) {
            r.push(0, 1, 0, 1, 4);
            r.push(1, 2, 0, 1, 5);
        }
        assertThat(going.decided()).as("the cycle is broken: A is left out of fragment 1's round 0")
                .anyMatch(d -> d.contains("DROP 0 " + DropCause.WAITS_IN_CYCLE));
        assertThat(resumed.decided()).isEqualTo(going.decided());
        assertThat(((StreamingPolicy.State) resumed.c.state().policy()).waits()).isEqualTo(((StreamingPolicy.State) going.c.state().policy()).waits());
    }
}
