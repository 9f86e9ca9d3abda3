package org.diloco4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

class OuterSgdTest {
    @Test
    void subtractsTheScaledPseudoGradient() {
        int n = 257;
        OuterSgd sgd = new OuterSgd(n, 0.25);
        float[] theta = TestVectors.gaussian(1, n, 1);
        float[] before = theta.clone();
        float[] g = TestVectors.gaussian(2, n, 1);
        float[] gCopy = g.clone();
        sgd.step(theta, g);
        for (int i = 0; i < n; i++) assertThat((double) theta[i]).isCloseTo(before[i] - 0.25 * g[i], within(1e-6));
        assertThat(g).as("g is not modified").isEqualTo(gCopy);
        assertThat(sgd.steps()).isEqualTo(1);
    }

    @Test
    void stateCarriesTheStepCounter() {
        OuterSgd a = new OuterSgd(3, 1);
        a.step(new float[3], new float[3]);
        a.step(new float[3], new float[3]);
        OuterSgd b = new OuterSgd(3, 1);
        b.restore(a.state());
        assertThat(b.steps()).isEqualTo(2);
        assertThat(a.state().buffers()).isEmpty();
        assertThatThrownBy(() -> b.restore(new OuterNesterov(3, 1, 0.5).state())).hasMessageContaining("kind 'nesterov'");
    }

    @Test
    void rejectsNonPositiveLr() {
        assertThatThrownBy(() -> new OuterSgd(3, -1)).hasMessageContaining("-1.0");
        assertThatThrownBy(() -> new OuterSgd(3, Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> new OuterSgd(3, 1e-50)).as("underflows to 0 in fp32").hasMessageContaining("1.0E-50");
    }
}
