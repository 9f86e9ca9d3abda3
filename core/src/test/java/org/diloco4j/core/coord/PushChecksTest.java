package org.diloco4j.core.coord;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each check a pseudo-gradient must pass, by the refusal code it fails with; a good one passes decoded. */
class PushChecksTest {
    static final int N = 4;
    final CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).maxDeltaNorm(10).build();
    final PushChecks checks = new PushChecks(cfg, new OuterState(new float[N], FragmentPlan.whole(N), OuterOptimizerConfig.sgd(1)));

    static Event.Delta delta(Payload p, int fragment, long baseVersion, int steps) {
        return new Event.Delta(0, 1, 1, baseVersion, fragment, steps, 5, 1, p, 0);
    }

    static Payload fp32(float... v) {
        return new Payload.Bytes("fp32", Codecs.parse("fp32").encode(v));
    }

    Refusal code(Event.Delta d) {
        PushChecks.Checked c = checks.check(d);
        assertThat(c.values()).as("no values with a problem").isNull();
        return c.problem().code();
    }

    @Test
    void aGoodPseudoGradientPassesDecoded() {
        PushChecks.Checked c = checks.check(delta(fp32(1, 2, 3, 4), 0, 0, 5));
        assertThat(c.problem()).isNull();
        assertThat(c.values()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void envelopeFaultsAreMalformed() {
        assertThat(code(delta(fp32(1, 2, 3, 4), 1, 0, 5))).isEqualTo(Refusal.MALFORMED);             // no fragment 1
        assertThat(code(delta(fp32(1, 2, 3), 0, 0, 5))).isEqualTo(Refusal.MALFORMED);                // wrong size
        assertThat(code(delta(new Payload.Bytes("int8", new byte[16]), 0, 0, 5))).isEqualTo(Refusal.MALFORMED);
        assertThat(code(delta(fp32(1, 2, 3, 4), 0, 0, -1))).isEqualTo(Refusal.MALFORMED);            // negative steps
        assertThat(code(delta(fp32(1, 2, 3, 4), 0, 1, 5))).isEqualTo(Refusal.MALFORMED);             // ahead of θ
        assertThat(code(delta(new Payload.Phantom("fp32", 16), 0, 0, 5))).isEqualTo(Refusal.MALFORMED);
    }

    @Test
    void nonFiniteValuesAndTooLargeANormAreRefusedByTheirCodes() {
        assertThat(code(delta(fp32(1, Float.NaN, 3, 4), 0, 0, 5))).isEqualTo(Refusal.NON_FINITE);
        assertThat(code(delta(fp32(10, 10, 0, 0), 0, 0, 5))).isEqualTo(Refusal.NORM_BOUND);
    }

    @Test
    void undecodableBytesAreCorrupt() {
        byte[] bytes = Codecs.parse("fp32").encode(new float[]{1, 2, 3, 4});
        bytes[0] ^= 0x5A; // header
        assertThat(code(delta(new Payload.Bytes("fp32", bytes), 0, 0, 5))).isEqualTo(Refusal.CORRUPT);
    }
}
