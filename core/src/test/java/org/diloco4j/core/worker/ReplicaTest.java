package org.diloco4j.core.worker;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.coord.Snapshot;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaTest {
    static final int N = 500;
    static final List<String> CODECS = List.of("fp32", "fp16", "bf16", "int8", "q4", "fp4", "topk:0.1");

    static Command.Train train(long version, float[] theta) {
        return new Command.Train(0, 1, version, 5, -1, new Snapshot(version, -1, theta.length, theta), null, null, 1);
    }

    /** A diverged trainer's pseudo-gradient is never encoded, under any codec, with or without error feedback. */
    @Test
    void aNonFinitePseudoGradientIsWithheldWithTheReason() {
        for (String spec : CODECS) {
            for (boolean ef : new boolean[] {false, true}) {
                for (float poison : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    ScriptedTrainer t = new ScriptedTrainer(N, 1, 1e-2);
                    t.divergeAt = 2;
                    t.poison = poison;
                    Replica r = new Replica(t, -1, FragmentPlan.whole(N), new String[] {spec}, ef);
                    float[] theta = new float[N];
                    r.start(train(0, theta), theta);
                    r.train(5);
                    assertThat(r.delta(0)).isInstanceOf(Outgoing.Send.class);
                    r.settle(0, true);
                    float[] residual = r.residual(0);
                    r.start(train(1, theta), theta);
                    r.train(5);
                    Outgoing out = r.delta(0);
                    assertThat(out).as("%s ef=%s %s", spec, ef, poison).isInstanceOf(Outgoing.Withheld.class);
                    assertThat(((Outgoing.Withheld) out).reason()).isEqualTo("pseudo-gradient of fragment 0 has a non-finite value ("
                            + (-poison) + ") at index 3: the inner training diverged; nothing sent");
                    assertThat(r.unsettled(0)).isEqualTo(1);
                    r.settle(0, false);
                    assertThat(r.residual(0)).as("the residual is untouched").containsExactly(residual);
                }
            }
        }
    }

    @Test
    void aFinitePseudoGradientThatOverflowsWithTheResidualIsWithheldToo() {
        ScriptedTrainer t = new ScriptedTrainer(N, 1, 0);
        // top-k keeps 1 of 500 values: of two δ values of MAX, one stays in the residual; the next MAX there overflows.
        Replica r = new Replica(t, -1, FragmentPlan.whole(N), new String[] {"topk:0.002"}, true);
        float[] zero = new float[N];
        float[] trained = new float[N];
        trained[7] = -Float.MAX_VALUE;
        trained[8] = -Float.MAX_VALUE;
        r.start(train(0, zero), zero);
        t.load(trained);
        assertThat(r.delta(0)).isInstanceOf(Outgoing.Send.class);
        r.settle(0, true);
        float[] residual = r.residual(0);
        assertThat(residual[8]).isEqualTo(Float.MAX_VALUE);
        r.start(train(1, zero), zero);
        t.load(trained);
        Outgoing out = r.delta(0);
        assertThat(out).isInstanceOf(Outgoing.Withheld.class);
        assertThat(((Outgoing.Withheld) out).reason()).contains("error feedback").contains("sums to Infinity");
        r.settle(0, false);
        assertThat(r.residual(0)).containsExactly(residual);
    }

    /**
     * With error feedback, a message that does not reach θ takes its round back out of the residual:
     * the residual always equals Σ over applied rounds of (δ − decoded), so what reached θ plus the
     * residual is the sum of the applied rounds' pseudo-gradients, to fp32 rounding; a dropped round
     * leaves the residual where it was.
     */
    @Test
    void errorFeedbackForgetsRoundsThatDidNotReachTheta() {
        for (String spec : List.of("q4", "fp4", "int8", "topk:0.1", "bf16")) {
            Codec codec = Codecs.parse(spec);
            ScriptedTrainer t = new ScriptedTrainer(N, 7, 1e-2);
            Replica r = new Replica(t, -1, FragmentPlan.whole(N), new String[] {spec}, true);
            SplittableRandom coin = new SplittableRandom(3);
            float[] theta = new float[N];
            double[] applied = new double[N];     // Σ decoded messages that reached θ
            double[] appliedDelta = new double[N]; // Σ δ of those rounds
            float[] current = new float[N];
            int dropped = 0;
            for (int round = 0; round < 200; round++) {
                r.start(train(round, theta), theta);
                r.train(5);
                t.read(current);
                Outgoing out = r.delta(0);
                float[] decoded = codec.decode(((Payload.Bytes) ((Outgoing.Send) out).payload()).data(), N);
                boolean reached = coin.nextInt(3) != 0;
                float[] before = r.residual(0);
                r.settle(0, reached);
                if (reached) {
                    for (int i = 0; i < N; i++) {
                        applied[i] += decoded[i];
                        appliedDelta[i] += theta[i] - current[i];
                        theta[i] -= decoded[i];
                    }
                } else {
                    dropped++;
                }
                float[] e = r.residual(0);
                double worst = 0;
                double moved = 0;
                for (int i = 0; i < N; i++) {
                    worst = Math.max(worst, Math.abs(applied[i] + e[i] - appliedDelta[i]));
                    moved = Math.max(moved, Math.abs(before[i] - e[i]));
                }
                assertThat(worst).as("%s round %d", spec, round).isLessThan(2e-6 * (1 + round / 20.0));
                // Dropping a round moves the residual back by that round's (δ − decoded), which is not tiny for a lossy codec.
                if (!reached) assertThat(moved).as("%s round %d", spec, round).isGreaterThan(1e-6);
            }
            assertThat(dropped).isBetween(40, 100);
            assertThat(r.unsettled(0)).isZero();
        }
    }

    @Test
    void syncPointsSettleInOrderAndOnlyOnce() {
        ScriptedTrainer t = new ScriptedTrainer(N, 1, 1e-2);
        Replica r = new Replica(t, -1, FragmentPlan.whole(N), new String[] {"q4"}, true);
        float[] theta = new float[N];
        r.start(train(0, theta), theta);
        assertThatThrownBy(() -> r.settle(0, true)).isInstanceOf(IllegalStateException.class).hasMessageContaining("fragment 0");
        r.train(5);
        r.delta(0);
        r.settle(0, false);
        // One round forgotten: e − (δ − decoded) with e = δ − decoded, computed the same way: exactly zero.
        assertThat(r.residual(0)).containsOnly(0f);
        r.train(5);
        r.delta(0);
        r.train(5);
        r.delta(0);
        assertThat(r.unsettled(0)).isEqualTo(2);
        float carried = 0;
        for (float x : r.residual(0)) carried = Math.max(carried, Math.abs(x));
        assertThat(carried).isGreaterThan(1e-4f);
        r.settleAllLost();
        assertThat(r.unsettled(0)).isZero();
        // Both rounds forgotten, in order: back to zero up to the fp32 rounding of two additions.
        for (float x : r.residual(0)) assertThat(Math.abs(x)).isLessThan(1e-8f);
    }
}
