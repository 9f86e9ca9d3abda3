package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorFeedbackTest {
    private static final int N = 2000;

    /**
     * Σ decoded = Σ inputs − e after every round (e is what was not sent yet), so the gap between the
     * running sums is exactly the residual, which must stay bounded instead of growing with rounds.
     */
    @Test
    void sumOfDecodedMessagesTracksSumOfInputs() {
        for (Codec c : List.of(new TopKCodec(0.05), new Q4Codec(), new Int8Codec(256), new Bf16Codec())) {
            ErrorFeedback ef = new ErrorFeedback(c, N);
            double[] sumIn = new double[N];
            double[] sumOut = new double[N];
            double maxGap = 0;
            double firstRoundNorm = 0;
            for (int round = 0; round < 300; round++) {
                float[] x = TestData.gaussian(1000 + round, N, 1e-2);
                float[] d = c.decode(ef.encode(x), N);
                float[] e = ef.residual();
                double gap = 0;
                double worst = 0;
                for (int i = 0; i < N; i++) {
                    sumIn[i] += x[i];
                    sumOut[i] += d[i];
                    worst = Math.max(worst, Math.abs(sumIn[i] - sumOut[i] - e[i]));
                    gap += Math.pow(sumIn[i] - sumOut[i], 2);
                }
                // The invariant, up to fp32 rounding of the running residual.
                assertThat(worst).as("%s round %d", c, round).isLessThan(1e-5 * (1 + round / 50.0));
                if (round == 0) firstRoundNorm = Math.sqrt(gap);
                maxGap = Math.max(maxGap, Math.sqrt(gap));
            }
            // Top-k at 5 % needs ~20 rounds to send everything once: the residual settles, it does not grow like √rounds.
            double bound = c instanceof TopKCodec ? 40 * firstRoundNorm : 3 * firstRoundNorm + 1e-6;
            assertThat(maxGap).as("%s", c).isLessThan(bound);
            assertThat(ef.residualNorm()).isCloseTo(Math.sqrt(sq(ef.residual())), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    /** Without error feedback, top-k never sends small values; with it, their sum arrives. */
    @Test
    void smallValuesEventuallyArrive() {
        float[] x = new float[100];
        x[0] = 1f;
        for (int i = 1; i < 100; i++) x[i] = 0.01f;
        TopKCodec c = new TopKCodec(0.01);
        ErrorFeedback ef = new ErrorFeedback(c, 100);
        float[] total = new float[100];
        int rounds = 1000;
        for (int round = 0; round < rounds; round++) c.decodeAdd(ef.encode(x), total, 0, 100, 1f);
        // Each small value has had 10 to send; at most what one round can leave behind is still pending.
        for (int i = 1; i < 100; i++) assertThat(total[i]).as("value %d", i).isGreaterThan(rounds * 0.01f - 3f);
        assertThat(c.decode(c.encode(x), 100)[1]).isZero();
    }

    @Test
    void stateRoundTripsAndContinuesIdentically() {
        Codec c = new Q4Codec();
        ErrorFeedback a = new ErrorFeedback(c, N);
        for (int r = 0; r < 5; r++) a.encode(TestData.gaussian(r, N, 1));
        ErrorFeedbackState saved = a.state();
        ErrorFeedback b = new ErrorFeedback(Codecs.parse("q4:block=64"), N);
        b.restore(saved);
        assertThat(b.residual()).containsExactly(a.residual());
        float[] next = TestData.gaussian(99, N, 1);
        assertThat(b.encode(next)).containsExactly(a.encode(next));
        assertThat(saved).isEqualTo(new ErrorFeedbackState("q4:block=64", saved.residual()));
    }

    @Test
    void restoreRejectsAnotherCodecLengthOrNonFiniteResidual() {
        ErrorFeedback ef = new ErrorFeedback(new Q4Codec(), 10);
        assertThatThrownBy(() -> ef.restore(new ErrorFeedbackState("q4:block=32", new float[10])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'q4:block=32'").hasMessageContaining("'q4:block=64'");
        assertThatThrownBy(() -> ef.restore(new ErrorFeedbackState("q4:block=64", new float[11])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11 values, expected 10");
        float[] nan = new float[10];
        nan[4] = Float.NaN;
        assertThatThrownBy(() -> ef.restore(new ErrorFeedbackState("q4:block=64", nan)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("residual 4 is NaN");
    }

    @Test
    void nonFiniteInputIsRejectedAndLeavesTheResidualUnchanged() {
        ErrorFeedback ef = new ErrorFeedback(new TopKCodec(0.1), 50);
        ef.encode(TestData.gaussian(1, 50, 1));
        float[] before = ef.residual();
        float[] bad = TestData.gaussian(2, 50, 1);
        bad[17] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> ef.encode(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value 17 is Infinity");
        assertThat(ef.residual()).containsExactly(before);
        assertThatThrownBy(() -> ef.encode(new float[49])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("49");
        ef.reset();
        assertThat(ef.residual()).containsOnly(0f);
    }

    /** A round forgotten after later rounds were sent leaves exactly what those later rounds carried, to fp32 rounding. */
    @Test
    void aForgottenRoundIsTakenBackOutEvenAfterLaterRounds() {
        ErrorFeedback ef = new ErrorFeedback(new Q4Codec(), N);
        float[] x = TestData.gaussian(1, N, 1e-2);
        ErrorFeedback.Sent a = ef.send(x, 0);
        assertThat(a.message()).containsExactly(new Q4Codec().encode(x));
        assertThat(a.carried()).containsExactly(ef.residual());
        ErrorFeedback.Sent b = ef.send(TestData.gaussian(2, N, 1e-2), 0);
        ef.forget(a); // a was lost, b was applied
        float[] e = ef.residual();
        double worst = 0;
        double size = 0;
        for (int i = 0; i < N; i++) {
            worst = Math.max(worst, Math.abs(e[i] - b.carried()[i]));
            size = Math.max(size, Math.abs(b.carried()[i]));
        }
        assertThat(worst).isLessThan(1e-8);
        assertThat(size).isGreaterThan(1e-4);
        assertThatThrownBy(() -> ef.forget(new ErrorFeedback.Sent(new byte[0], new float[3]))).hasMessageContaining("round of 3 values");
    }

    private static double sq(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return s;
    }
}
