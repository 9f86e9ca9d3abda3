package org.diloco4j.model.train;

import org.diloco4j.model.nativ.Generation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.TorchDevice;
import org.junit.jupiter.api.Test;

/** The flat AdamW against the AdamW recurrence written out in double precision. */
class FlatAdamWTest {
    private final ParamLayout layout = ParamLayout.builder().add("w", 2, 3).add("b", 3).build();
    private final AdamWConfig cfg = new AdamWConfig(0.05, 0.9, 0.95, 1e-8, 0.1);

    @Test
    void matchesTheAdamWRecurrenceWithDecayOnlyWhereMasked() throws java.io.IOException {
        float[] theta = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f, 0.3f, -0.2f, 0.1f};
        float[][] grads = {
                {0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f, 0.7f, -0.8f, 0.9f},
                {-0.3f, 0.1f, 0.0f, 0.2f, -0.1f, 0.05f, -0.4f, 0.6f, 0.2f},
                {0.2f, 0.2f, -0.2f, 0.0f, 0.3f, -0.3f, 0.1f, 0.1f, -0.5f}};
        double[] lrs = {0.05, 0.03, 0.01};
        boolean[] decays = {true, true, true, true, true, true, false, false, false};

        double[] p = new double[9], m = new double[9], v = new double[9];
        for (int i = 0; i < 9; i++) p[i] = theta[i];
        try (FlatAdamW adamw = new FlatAdamW(cfg, layout, s -> s.name().equals("w"), TorchDevice.CPU);
             PointerScope scope = new PointerScope()) {
            Tensor param = Tensors.zerosFloat(9);
            Tensors.copyIn(theta, param);
            Tensor grad = Tensors.zerosFloat(9);
            for (int t = 1; t <= 3; t++) {
                Tensors.copyIn(grads[t - 1], grad);
                adamw.step(param, grad, lrs[t - 1]);
                double lr = lrs[t - 1];
                for (int i = 0; i < 9; i++) {
                    double g = grads[t - 1][i];
                    if (decays[i]) p[i] *= 1 - lr * cfg.weightDecay();
                    m[i] = cfg.beta1() * m[i] + (1 - cfg.beta1()) * g;
                    v[i] = cfg.beta2() * v[i] + (1 - cfg.beta2()) * g * g;
                    double mHat = m[i] / (1 - Math.pow(cfg.beta1(), t));
                    double vHat = v[i] / (1 - Math.pow(cfg.beta2(), t));
                    p[i] -= lr * mHat / (Math.sqrt(vHat) + cfg.eps());
                }
                float[] got = new float[9];
                Tensors.copyOut(param, got);
                for (int i = 0; i < 9; i++) assertThat((double) got[i]).as("step %d element %d", t, i).isCloseTo(p[i], within(2e-6));
            }
            assertThat(adamw.steps()).isEqualTo(3);

            float[] ms = adamw.firstMoment(new Generation()).toFloats(), vs = adamw.secondMoment(new Generation()).toFloats();
            for (int i = 0; i < 9; i++) {
                assertThat((double) ms[i]).isCloseTo(m[i], within(1e-7));
                assertThat((double) vs[i]).isCloseTo(v[i], within(1e-7));
            }
        }
    }

    @Test
    void firstStepMovesEachCoordinateByAboutLr() {
        // With t = 1, m̂ = g and √v̂ = |g|: every coordinate with g ≠ 0 moves by lr·sign(g) (no decay here).
        try (FlatAdamW adamw = new FlatAdamW(cfg.withWeightDecay(0), layout, s -> true, TorchDevice.CPU);
             PointerScope scope = new PointerScope()) {
            Tensor param = Tensors.zerosFloat(9);
            Tensor grad = Tensors.zerosFloat(9);
            Tensors.copyIn(new float[] {3f, -1e-3f, 7f, -2f, 0.5f, 1e3f, -4f, 1f, -1f}, grad);
            adamw.step(param, grad, 0.01);
            float[] got = new float[9];
            Tensors.copyOut(param, got);
            assertThat(got).containsExactly(new float[] {-0.01f, 0.01f, -0.01f, 0.01f, -0.01f, -0.01f, 0.01f, -0.01f, 0.01f},
                    org.assertj.core.data.Offset.offset(1e-6f));
        }
    }
}
