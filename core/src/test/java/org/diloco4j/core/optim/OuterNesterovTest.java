package org.diloco4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

class OuterNesterovTest {
    static final int N = 1000;

    @Test
    void followsTheClosedForm() {
        // m' = μm + g ; θ' = θ − η(μ² m + (1+μ) g), evaluated in double from the fp32 inputs.
        double lr = 0.7, mu = 0.9;
        OuterNesterov opt = new OuterNesterov(N, lr, mu);
        float[] theta = TestVectors.gaussian(1, N, 1.0);
        for (int s = 0; s < 5; s++) opt.step(theta, TestVectors.gaussian(10 + s, N, 0.02));
        for (int s = 0; s < 5; s++) {
            float[] m = opt.state().buffer(OuterNesterov.BUFFER);
            float[] before = theta.clone();
            float[] g = TestVectors.gaussian(100 + s, N, 0.02);
            opt.step(theta, g);
            float[] m2 = opt.state().buffer(OuterNesterov.BUFFER);
            double muf = (float) mu, lrf = (float) lr;
            for (int i = 0; i < N; i++) {
                double expM = muf * m[i] + g[i];
                double expTheta = before[i] - lrf * (muf * muf * m[i] + (1 + muf) * g[i]);
                assertThat((double) m2[i]).isCloseTo(expM, within(1e-6 * Math.abs(expM) + 2e-8));
                // θ ~ 1 and steps ~ 0.1: a few fp32 roundings of θ.
                assertThat((double) theta[i]).isCloseTo(expTheta, within(2e-7 * Math.abs(expTheta) + 5e-8));
            }
        }
    }

    @Test
    void firstStepSetsTheBufferToGradientAsTorchDoes() {
        OuterNesterov opt = new OuterNesterov(N, 0.7, 0.9);
        float[] theta = TestVectors.gaussian(2, N, 1.0);
        float[] before = theta.clone();
        float[] g = TestVectors.gaussian(3, N, 0.1);
        g[0] = -0.0f;
        opt.step(theta, g);
        float[] b = opt.state().buffer(OuterNesterov.BUFFER);
        assertThat(b).isEqualTo(g);
        assertThat(Float.floatToRawIntBits(b[0])).isEqualTo(Float.floatToRawIntBits(-0.0f));
        for (int i = 0; i < N; i++) {
            assertThat((double) theta[i]).isCloseTo(before[i] - 0.7 * 1.9 * g[i], within(1e-6));
        }
        assertThat(opt.steps()).isEqualTo(1);
    }

    @Test
    void heavyBallAppliesTheBuffer() {
        OuterNesterov opt = new OuterNesterov(N, 0.5, 0.8, false);
        float[] theta = TestVectors.gaussian(4, N, 1.0);
        opt.step(theta, TestVectors.gaussian(5, N, 0.1));
        float[] m = opt.state().buffer(OuterNesterov.BUFFER);
        float[] before = theta.clone();
        float[] g = TestVectors.gaussian(6, N, 0.1);
        opt.step(theta, g);
        for (int i = 0; i < N; i++) {
            double expect = before[i] - 0.5 * (0.8f * m[i] + g[i]);
            assertThat((double) theta[i]).isCloseTo(expect, within(1e-6));
        }
        assertThat(opt.state().kind()).isEqualTo("momentum");
    }

    @Test
    void zeroMomentumIsSgdBitForBit() {
        OuterNesterov nes = new OuterNesterov(N, 0.3, 0.0);
        OuterSgd sgd = new OuterSgd(N, 0.3);
        float[] a = TestVectors.gaussian(7, N, 1.0);
        float[] b = a.clone();
        for (int s = 0; s < 4; s++) {
            float[] g = TestVectors.gaussian(20 + s, N, 0.1);
            nes.step(a, g);
            sgd.step(b, g);
        }
        assertThat(a).isEqualTo(b);
    }

    @Test
    void rejectsBadHyperParametersWithTheValue() {
        assertThatThrownBy(() -> new OuterNesterov(N, 0, 0.9)).hasMessageContaining("learning rate").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new OuterNesterov(N, Double.NaN, 0.9)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new OuterNesterov(N, 1e300, 0.9)).hasMessageContaining("1.0E300");
        assertThatThrownBy(() -> new OuterNesterov(N, 0.7, 1.0)).hasMessageContaining("momentum must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> new OuterNesterov(N, 0.7, -0.1)).hasMessageContaining("-0.1");
        assertThatThrownBy(() -> new OuterNesterov(-1, 0.7, 0.9)).hasMessageContaining("size must be >= 0, got -1");
    }

    @Test
    void rejectsVectorsOfTheWrongLength() {
        OuterNesterov opt = new OuterNesterov(N, 0.7, 0.9);
        assertThatThrownBy(() -> opt.step(new float[N], new float[N - 1]))
                .hasMessageContaining("g=" + (N - 1)).hasMessageContaining("length " + N);
        assertThat(opt.steps()).isZero();
    }

    @Test
    void stateIsADeepCopyBothWays() {
        OuterNesterov opt = new OuterNesterov(N, 0.7, 0.9);
        float[] theta = new float[N];
        opt.step(theta, TestVectors.gaussian(8, N, 0.1));
        OptimizerState s = opt.state();
        float[] saved = s.buffer(OuterNesterov.BUFFER).clone();
        s.buffer(OuterNesterov.BUFFER)[0] += 1;
        assertThat(opt.state().buffer(OuterNesterov.BUFFER)).isEqualTo(saved);

        OuterNesterov other = new OuterNesterov(N, 0.7, 0.9);
        OptimizerState fresh = opt.state();
        other.restore(fresh);
        fresh.buffer(OuterNesterov.BUFFER)[1] += 1;
        assertThat(other.state().buffer(OuterNesterov.BUFFER)).isEqualTo(saved);
        assertThat(other.steps()).isEqualTo(1);
    }

    @Test
    void restoreRejectsAnotherKindOrSize() {
        OuterNesterov nes = new OuterNesterov(N, 0.7, 0.9);
        OuterNesterov heavy = new OuterNesterov(N, 0.7, 0.9, false);
        assertThatThrownBy(() -> heavy.restore(nes.state())).hasMessageContaining("'nesterov'").hasMessageContaining("'momentum'");
        OuterNesterov small = new OuterNesterov(N - 1, 0.7, 0.9);
        assertThatThrownBy(() -> small.restore(nes.state())).hasMessageContaining("has " + N + " floats").hasMessageContaining("size " + (N - 1));
        assertThatThrownBy(() -> nes.restore(new OuterSgd(N, 1).state())).hasMessageContaining("'sgd'");
    }
}
