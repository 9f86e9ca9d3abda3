package org.diloco4j.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FmtTest {
    @Test
    void durations() {
        assertThat(Fmt.seconds(0)).isEqualTo("0 s");
        assertThat(Fmt.seconds(0.0123)).isEqualTo("12.3 ms");
        assertThat(Fmt.seconds(0.85)).isEqualTo("850 ms");
        assertThat(Fmt.seconds(12.46)).isEqualTo("12.5 s");
        assertThat(Fmt.seconds(245)).isEqualTo("4 min 05 s");
        assertThat(Fmt.seconds(3599.6)).isEqualTo("1 h 00 min");
        assertThat(Fmt.seconds(3720)).isEqualTo("1 h 02 min");
        assertThat(Fmt.seconds(14124.4)).isEqualTo("3 h 55 min");
        assertThat(Fmt.seconds(3 * 86400 + 4 * 3600)).isEqualTo("3 d 04 h");
        assertThat(Fmt.seconds(Double.NaN)).isEqualTo("—");
    }

    @Test
    void bytesUseDecimalUnits() {
        assertThat(Fmt.bytes(0)).isEqualTo("0 B");
        assertThat(Fmt.bytes(512)).isEqualTo("512 B");
        assertThat(Fmt.bytes(1234)).isEqualTo("1.23 KB");
        assertThat(Fmt.bytes(999_999)).isEqualTo("1.00 MB");
        assertThat(Fmt.bytes(34_500_000)).isEqualTo("34.5 MB");
        assertThat(Fmt.bytes(1.2e9)).isEqualTo("1.20 GB");
        assertThat(Fmt.bytes(4.1e11)).isEqualTo("410 GB");
        assertThat(Fmt.bytes(2.5e15)).isEqualTo("2.50 PB");
    }

    @Test
    void tokensAndCounts() {
        assertThat(Fmt.tokens(950)).isEqualTo("950");
        assertThat(Fmt.tokens(12_500)).isEqualTo("12.5k");
        assertThat(Fmt.tokens(12_492_800)).isEqualTo("12.5M");
        assertThat(Fmt.tokens(3.1e9)).isEqualTo("3.10B");
        assertThat(Fmt.params(3_263_232)).isEqualTo("3.26M");
        assertThat(Fmt.count(1234567)).isEqualTo("1,234,567");
    }

    @Test
    void lossesPercentagesAndRatios() {
        assertThat(Fmt.loss(3.91234)).isEqualTo("3.912");
        assertThat(Fmt.ppl(49.93)).isEqualTo("49.9");
        assertThat(Fmt.ppl(12345.6)).isEqualTo("12,346");
        assertThat(Fmt.percent(0.912)).isEqualTo("91.2%");
        assertThat(Fmt.signedPercent(0.071)).isEqualTo("+7.1%");
        assertThat(Fmt.signedPercent(-0.005)).isEqualTo("-0.5%");
        assertThat(Fmt.ratioToDdp(4.12e11, 1e9)).isEqualTo("412× fewer");
        assertThat(Fmt.ratioToDdp(4.12e11, 1e8)).isEqualTo("4,120× fewer");
        assertThat(Fmt.ratioToDdp(22.5e9, 1e9)).isEqualTo("22.5× fewer");
        assertThat(Fmt.ratioToDdp(1e9, 2.3e9)).isEqualTo("2.30× more");
        assertThat(Fmt.ratioToDdp(1e9, 0)).isEqualTo("no communication");
        assertThat(Fmt.ratioToDdp(0, 1e9)).isEqualTo("—");
    }

    @Test
    void trimDropsTrailingZeros() {
        assertThat(Fmt.trim(1.50, 2)).isEqualTo("1.5");
        assertThat(Fmt.trim(2.0, 3)).isEqualTo("2");
        assertThat(Fmt.trim(-0.0001, 2)).isEqualTo("0");
        assertThat(Fmt.trim(125, 0)).isEqualTo("125");
    }
}
