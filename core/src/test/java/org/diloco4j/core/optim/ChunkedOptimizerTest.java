package org.diloco4j.core.optim;

import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An optimizer whose buffers are chunks: the one-vector state format in and out (so a checkpoint
 * cannot tell), a state of the wrong length refused before anything changes, and a view that is
 * the parts' own arrays.
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
        one.state().arrays().forEach((name, v) -> assertThat(s.buffers().get(name).toArray()).as(name).isEqualTo(v));
        // Restored into a chunked optimizer of other chunks (one array copied into 32 parts), and adopted
        // (the one array kept as one part), the next steps continue alike.
        ChunkedOptimizer other = ChunkedOptimizer.create(DN, n, 5);
        other.restore(one.state());
        assertThat(other.parts()).isEqualTo(32);
        ChunkedOptimizer adopted = ChunkedOptimizer.adopt(DN, n, 5, one.state());
        float[] c = a.clone();
        float[] g = TestVectors.gaussian(9, n, 0.1);
        other.step(a, g);
        adopted.step(c, g);
        one.step(b, g);
        assertThat(a).isEqualTo(b);
        assertThat(c).isEqualTo(b);
        assertThat(other.state().buffers().get("momentum").toArray()).isEqualTo(one.state().arrays().get("momentum"));
    }

    @Test
    void aStateOfTheWrongLengthIsRefusedAndChangesNothing() {
        ChunkedOptimizer o = ChunkedOptimizer.create(DN, 100, 5);
        o.step(new float[100], TestVectors.gaussian(3, 100, 1));
        OptimizerState before = o.state();
        Map<String, float[]> short_ = new HashMap<>();
        before.buffers().forEach((name, v) -> short_.put(name, new float[99]));
        assertThatThrownBy(() -> o.restore(OptimizerState.of(before.kind(), before.counters(), short_)))
                .hasMessageEndingWith("has 99 floats but this optimizer has size 100");
        assertThat(o.state().buffers().get("momentum").toArray()).isEqualTo(before.buffers().get("momentum").toArray());
        // A view is the parts' own arrays as the chunks of one vector per buffer: a later step shows in it.
        org.diloco4j.core.params.Fp32Vector m = o.view().buffers().get("momentum");
        assertThat(m.chunkCount()).isEqualTo(4);
        float[] was = m.toArray();
        o.step(new float[100], TestVectors.gaussian(4, 100, 1));
        assertThat(m.toArray()).isNotEqualTo(was).isEqualTo(o.state().buffers().get("momentum").toArray());
    }
}
