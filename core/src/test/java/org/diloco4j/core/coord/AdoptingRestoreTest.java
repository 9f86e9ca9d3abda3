package org.diloco4j.core.coord;

import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Coordinator#adopt} continues a checkpoint exactly as {@link Coordinator#restore} does, bit for
 * bit, while holding the loaded θ and optimizer buffers themselves rather than copies of them: with
 * Delayed Nesterov (between and at momentum updates) and with Nesterov.
 */
class AdoptingRestoreTest {
    static final int N = 4;

    @Test
    void delayedNesterovMidBuffer() throws IOException {
        continuesTheSame(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0.1), 4);
    }

    @Test
    void delayedNesterovAtABufferEnd() throws IOException {
        continuesTheSame(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0), 6);
    }

    @Test
    void nesterov() throws IOException {
        continuesTheSame(OuterOptimizerConfig.nesterov(0.7, 0.9), 3);
    }

    private static void continuesTheSame(OuterOptimizerConfig outer, int before) throws IOException {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).outer(outer).build();
        FragmentPlan plan = FragmentPlan.whole(N);
        Coordinator c = new Coordinator(cfg, plan, new float[] {0.5f, -0.25f, 1f, 2f}, m -> { });
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        for (int k = 0; k < before; k++) push(c, k);
        byte[] file = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, c.state(), Map.of());

        Coordinator restored = Coordinator.restore(cfg, plan, read(file), m -> { });
        Coordinator.State loaded = read(file);
        Coordinator adopted = Coordinator.adopt(cfg, plan, loaded, m -> { });
        assertThat(adopted.theta()).as("θ is the loaded array").isSameAs(loaded.outer().theta().array());
        assertThat(adopted.view().outer().optimizers().getFirst().arrays().values())
                .as("the optimizer's buffers are the loaded arrays")
                .allSatisfy(b -> assertThat(loaded.outer().optimizers().getFirst().arrays().values()).anySatisfy(l -> assertThat(l).isSameAs(b)));

        for (int k = before; k < before + 5; k++) {
            for (Coordinator x : List.of(c, restored, adopted)) push(x, k);
        }
        for (Coordinator x : List.of(restored, adopted)) {
            assertThat(bits(x.theta())).isEqualTo(bits(c.theta()));
            assertThat(x.version()).isEqualTo(c.version());
            OptimizerState want = c.state().outer().optimizers().getFirst();
            OptimizerState got = x.state().outer().optimizers().getFirst();
            assertThat(got.counters()).isEqualTo(want.counters());
            for (String b : want.buffers().keySet()) assertThat(bits(got.buffer(b))).as(b).isEqualTo(bits(want.buffer(b)));
        }
    }

    private static void push(Coordinator c, int k) {
        float v = 0.01f * (k + 1);
        List<Command> out = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, c.version(), 0, 5, 5, 1,
                CoordinatorTest.fp32(v, -v / 3, 2 * v, v / 7), k + 1));
        assertThat(out).noneMatch(x -> x instanceof Command.Reject);
    }

    private static Coordinator.State read(byte[] file) throws IOException {
        return CheckpointFile.read(file, "test", CheckpointFile.Kind.COORDINATOR, Coordinator.State.class).state();
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
