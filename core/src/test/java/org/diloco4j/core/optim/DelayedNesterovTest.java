package org.diloco4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

class DelayedNesterovTest {
    static final int SIZE = 777;

    @Test
    void equalsSynchronousNesterovOnTheMeanWhenARoundArrivesTogether() {
        int workers = 4;
        double lr = 0.7, mu = 0.9;
        DelayedNesterov dn = new DelayedNesterov(SIZE, lr, mu, workers, 0);
        OuterNesterov sync = new OuterNesterov(SIZE, lr, mu);
        float[] thetaDn = TestVectors.gaussian(1, SIZE, 1);
        float[] thetaSync = thetaDn.clone();
        for (int round = 0; round < 6; round++) {
            float[] sum = new float[SIZE];
            for (int w = 0; w < workers; w++) {
                float[] g = TestVectors.gaussian(100L * round + w, SIZE, 0.05);
                for (int i = 0; i < SIZE; i++) sum[i] += g[i];
                dn.step(thetaDn, g);
            }
            float[] mean = new float[SIZE];
            for (int i = 0; i < SIZE; i++) mean[i] = sum[i] / workers;
            sync.step(thetaSync, mean);

            // The momentum is formed from the same fp32 sum and divide: identical bits.
            assertThat(dn.state().buffer(DelayedNesterov.MOMENTUM))
                    .as("momentum after round %d", round).isEqualTo(sync.state().buffer(OuterNesterov.BUFFER));
            // θ reaches the same point by N small steps instead of one: a few fp32 roundings apart.
            for (int i = 0; i < SIZE; i++) {
                assertThat(thetaDn[i]).as("θ[%d] after round %d", i, round).isCloseTo(thetaSync[i], within(1e-6f));
            }
        }
        assertThat(dn.momentumUpdates()).isEqualTo(6);
        assertThat(dn.arrivals()).isEqualTo(24);
    }

    @Test
    void betweenMomentumUpdatesWithCZeroItIsSgdWithStepLrOverN() {
        int n = 5;
        DelayedNesterov dn = new DelayedNesterov(SIZE, 0.7, 0.9, n, 0);
        float[] theta = TestVectors.gaussian(2, SIZE, 1);
        for (int k = 0; k < 2 * n; k++) dn.step(theta, TestVectors.gaussian(10 + k, SIZE, 0.05));
        assertThat(dn.momentumUpdates()).isEqualTo(2);

        OuterSgd sgd = new OuterSgd(SIZE, dn.lr() / n);
        float[] thetaSgd = theta.clone();
        for (int k = 0; k < n - 1; k++) {
            assertThat(dn.nextUpdatesMomentum()).isFalse();
            float[] g = TestVectors.gaussian(50 + k, SIZE, 0.05);
            dn.step(theta, g);
            sgd.step(thetaSgd, g);
            assertThat(theta).as("after mid-round arrival %d", k + 1).isEqualTo(thetaSgd);
        }
        assertThat(dn.nextUpdatesMomentum()).isTrue();
    }

    @Test
    void withBufferOfOneItIsNesterovBitForBit() {
        DelayedNesterov dn = new DelayedNesterov(SIZE, 0.7, 0.9, 1, 0.5);
        OuterNesterov nes = new OuterNesterov(SIZE, 0.7, 0.9);
        float[] a = TestVectors.gaussian(3, SIZE, 1);
        float[] b = a.clone();
        for (int s = 0; s < 10; s++) {
            float[] g = TestVectors.gaussian(30 + s, SIZE, 0.05);
            dn.step(a, g);
            nes.step(b, g);
            assertThat(a).as("θ after step %d", s + 1).isEqualTo(b);
        }
    }

    @Test
    void withPositiveCMatchesTheFormulaEvaluatedInDouble() {
        // Reference straight from the paper's pseudo-code, in double.
        int n = 3;
        double lr = 0.6, mu = 0.8, c = 0.2;
        DelayedNesterov dn = new DelayedNesterov(SIZE, lr, mu, n, c);
        float[] theta = TestVectors.gaussian(4, SIZE, 1);
        double[] rt = new double[SIZE], rm = new double[SIZE], racc = new double[SIZE];
        for (int i = 0; i < SIZE; i++) rt[i] = theta[i];
        double lrf = (float) lr, muf = (float) mu;
        for (int t = 0; t < 11; t++) {
            float[] g = TestVectors.gaussian(40 + t, SIZE, 0.05);
            dn.step(theta, g);
            for (int i = 0; i < SIZE; i++) {
                racc[i] += g[i];
                if ((t + 1) % n == 0) {
                    rm[i] = muf * rm[i] + racc[i] / n;
                    rt[i] -= lrf * ((1 - c * n + c) * muf * rm[i] + g[i] / (double) n);
                    racc[i] = 0;
                } else {
                    rt[i] -= lrf * (c * muf * rm[i] + g[i] / (double) n);
                }
            }
            for (int i = 0; i < SIZE; i++) {
                assertThat((double) theta[i]).as("θ[%d] after arrival %d", i, t + 1).isCloseTo(rt[i], within(2e-6));
            }
        }
        float[] m = dn.state().buffer(DelayedNesterov.MOMENTUM);
        for (int i = 0; i < SIZE; i++) assertThat((double) m[i]).isCloseTo(rm[i], within(1e-6));
    }

    @Test
    void appliesAShareCOfTheMomentumBetweenUpdates() {
        // Scalar walk-through, N = 4, c = 1/4, μ = 1/2, η = 1: each of the N−1 mid-round arrivals
        // applies c μ m_old, the update applies (1 − cN + c) μ m_new; the shares (N−1)c + (1 − cN + c) sum to 1.
        int n = 4;
        double c = 0.25;
        DelayedNesterov dn = new DelayedNesterov(1, 1.0, 0.5, n, c);
        float[] theta = {0};
        for (int k = 0; k < n; k++) dn.step(theta, new float[]{1});
        float m1 = dn.state().buffer(DelayedNesterov.MOMENTUM)[0];
        assertThat(m1).isEqualTo(1f);
        float before = theta[0];
        for (int k = 0; k < n; k++) dn.step(theta, new float[]{0});
        // mid-round: 3 × c μ m = 3 × 0.25 × 0.5 × 1 ; update: m = 0.5 ; (1 − 1 + 0.25) × 0.5 × 0.5
        assertThat((double) (before - theta[0])).isCloseTo(3 * 0.125 + 0.0625, within(1e-7));
    }

    @Test
    void stateIsCanonicalAndRestoreChecksN() {
        DelayedNesterov dn = new DelayedNesterov(SIZE, 0.7, 0.9, 2, 0);
        float[] theta = new float[SIZE];
        dn.step(theta, TestVectors.gaussian(5, SIZE, 1));
        assertThat(dn.state().buffer(DelayedNesterov.ACCUMULATOR)).isEqualTo(TestVectors.gaussian(5, SIZE, 1));
        dn.step(theta, TestVectors.gaussian(6, SIZE, 1));
        assertThat(dn.state().buffer(DelayedNesterov.ACCUMULATOR)).as("empty after a momentum update").containsOnly(0f);
        assertThat(dn.state().counters()).containsEntry("arrivals", 2L).containsEntry("buffer_size", 2L);

        DelayedNesterov other = new DelayedNesterov(SIZE, 0.7, 0.9, 3, 0);
        assertThatThrownBy(() -> other.restore(dn.state())).hasMessageContaining("N=2").hasMessageContaining("N=3");
    }

    @Test
    void rejectsBadHyperParameters() {
        assertThatThrownBy(() -> new DelayedNesterov(SIZE, 0.7, 0.9, 0, 0)).hasMessageContaining("buffer size N must be >= 1, got 0");
        assertThatThrownBy(() -> new DelayedNesterov(SIZE, 0.7, 0.9, 4, 0.3)).hasMessageContaining("[0, 0.25]").hasMessageContaining("0.3");
        assertThatThrownBy(() -> new DelayedNesterov(SIZE, 0.7, 0.9, 4, -0.01)).hasMessageContaining("-0.01");
        assertThatThrownBy(() -> new DelayedNesterov(SIZE, 0.7, 0.9, 4, Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new DelayedNesterov(SIZE, -0.7, 0.9, 4, 0)).hasMessageContaining("-0.7");
    }
}
