package org.diloco4j.core.optim;

import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An optimizer whose buffers are chunks: the one-vector state format in and out (so a checkpoint
 * cannot tell), a state of the wrong length refused before anything changes, and no view of
 * several chunks (it would be a copy).
 */
class ChunkedOptimizerTest {
    static final OuterOptimizerConfig DN = OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0.25);

    @Test
    void itsStateIsTheOneVectorOptimizersStateAndRestoresIntoIt() {
        int n = 1000;
        ChunkedOptimizer chunked = ChunkedOptimizer.create(DN, n, 7);
        OuterOptimizer one = DN.create(n);
        assertThat(chunked.parts()).isEqualTo(8);
        float[] a = TestVectors.gaussian(1, n, 1);
        float[] b = a.clone();
        for (int k = 0; k < 3; k++) {
            float[] g = TestVectors.gaussian(2 + k, n, 0.1);
            chunked.step(a, g);
            one.step(b, g);
        }
        assertThat(a).isEqualTo(b);
        OptimizerState s = chunked.state();
        assertThat(s.counters()).isEqualTo(one.state().counters());
        one.state().buffers().forEach((name, v) -> assertThat(s.buffers().get(name)).as(name).isEqualTo(v));
        // Restored into a chunked optimizer of other chunks, the next steps continue alike.
        ChunkedOptimizer other = ChunkedOptimizer.adopt(DN, n, 5, one.state());
        float[] g = TestVectors.gaussian(9, n, 0.1);
        other.step(a, g);
        one.step(b, g);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void aStateOfTheWrongLengthIsRefusedAndChangesNothing() {
        ChunkedOptimizer o = ChunkedOptimizer.create(DN, 100, 5);
        o.step(new float[100], TestVectors.gaussian(3, 100, 1));
        OptimizerState before = o.state();
        Map<String, float[]> short_ = new HashMap<>();
        before.buffers().forEach((name, v) -> short_.put(name, new float[99]));
        assertThatThrownBy(() -> o.restore(new OptimizerState(before.kind(), before.counters(), short_)))
                .hasMessageEndingWith("has 99 floats but this optimizer has size 100");
        assertThat(o.state().buffers().get("momentum")).isEqualTo(before.buffers().get("momentum"));
        assertThatThrownBy(o::view).isInstanceOf(IllegalStateException.class)
                .hasMessage("an outer optimizer's buffers held in 4 chunks cannot be viewed as one array each; take state() (a copy) instead");
        ChunkedOptimizer single = ChunkedOptimizer.create(DN, 100, 26);
        assertThat(single.parts()).isEqualTo(1);
        assertThat(single.view().buffers()).containsKey("momentum");
    }
}
