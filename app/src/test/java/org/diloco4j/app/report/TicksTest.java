package org.diloco4j.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TicksTest {
    private static List<String> labels(Ticks t) {
        return t.ticks().stream().map(Ticks.Tick::label).toList();
    }

    @Test
    void niceStepsAreOneTwoFiveTimesAPowerOfTen() {
        assertThat(Ticks.niceStep(10, 5)).isEqualTo(2);
        assertThat(Ticks.niceStep(3.2, 5)).isEqualTo(0.5);
        assertThat(Ticks.niceStep(1e6, 4)).isEqualTo(200_000);
        assertThat(Ticks.niceStep(0.07, 6)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void snappedLinearAxisCoversTheDataWithWholeTicks() {
        Ticks t = Ticks.linear(3.13, 5.61, 5, Quantity.PLAIN, true);
        assertThat(t.lo()).isEqualTo(3.0);
        assertThat(t.hi()).isCloseTo(6.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(labels(t)).containsExactly("3", "3.5", "4", "4.5", "5", "5.5", "6");
    }

    @Test
    void tokenTicksReadAsKAndM() {
        Ticks t = Ticks.linear(0, 30_228_480, 6, Quantity.TOKENS, false);
        assertThat(t.lo()).isZero();
        assertThat(t.hi()).isEqualTo(30_228_480);
        assertThat(labels(t)).containsExactly("0", "5M", "10M", "15M", "20M", "25M", "30M");
        assertThat(labels(Ticks.linear(0, 1_300_000, 6, Quantity.TOKENS, false)))
                .containsExactly("0", "200k", "400k", "600k", "800k", "1M", "1.2M");
    }

    @Test
    void timeTicksAreNiceInTheirUnit() {
        assertThat(labels(Ticks.linear(0, 100, 5, Quantity.SECONDS, false)))
                .containsExactly("0", "20 s", "40 s", "60 s", "80 s", "100 s");
        assertThat(labels(Ticks.linear(0, 4574, 6, Quantity.SECONDS, false)))
                .containsExactly("0", "10 min", "20 min", "30 min", "40 min", "50 min", "60 min", "70 min");
        assertThat(labels(Ticks.linear(0, 14124, 6, Quantity.SECONDS, false)))
                .containsExactly("0", "0.5 h", "1 h", "1.5 h", "2 h", "2.5 h", "3 h", "3.5 h");
    }

    @Test
    void logTicksAreDecades() {
        Ticks t = Ticks.log(2.6e7, 1.28e10, Quantity.BYTES);
        assertThat(t.lo()).isEqualTo(1e7);
        assertThat(t.hi()).isEqualTo(1e11);
        assertThat(labels(t)).containsExactly("10 MB", "100 MB", "1 GB", "10 GB", "100 GB");
        assertThat(labels(Ticks.log(2e3, 9e4, Quantity.BYTES)))
                .containsExactly("1 KB", "2 KB", "5 KB", "10 KB", "20 KB", "50 KB", "100 KB");
        assertThatThrownBy(() -> Ticks.log(0, 10, Quantity.BYTES)).hasMessageContaining("0 < min");
    }

    @Test
    void degenerateRangeStillGetsAnAxis() {
        Ticks t = Ticks.linear(4.0, 4.0, 5, Quantity.PLAIN, true);
        assertThat(t.hi()).isGreaterThan(t.lo());
        assertThat(t.ticks()).isNotEmpty();
    }

    @Test
    void scaleMapsLinearlyAndLogarithmically() {
        Scale lin = new Scale(0, 10, 100, 200, false);
        assertThat(lin.px(2.5)).isEqualTo(125);
        Scale log = new Scale(1, 1000, 0, 300, true);
        assertThat(log.px(10)).isCloseTo(100, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(log.accepts(0)).isFalse();
        assertThat(log.contains(5000)).isFalse();
    }
}
