package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Encoded sizes and block boundaries of payloads of 3B and 70B values, computed without encoding
 * (one message holds fewer than 2^31 values; these are the sizes the long-addressed layout asks
 * for, e.g. a 70B model's pseudo-gradient cut into messages, or the traffic of one outer step).
 */
class CodecSizesBeyondIntTest {
    static final long THREE_B = 3_000_000_000L;
    static final long SEVENTY_B = 70_000_000_000L;

    @Test
    void int8SizeAndChunkBoundariesOfThreeBillionValues() {
        Int8Codec c = new Int8Codec();
        long chunks = (THREE_B + 65535) / 65536; // 45,777: the last one short
        assertThat(c.encodedSize(THREE_B)).isEqualTo(12 + 1024 * chunks + THREE_B);
        BlockDecoder d = c.blocks();
        assertThat(d.blocks(THREE_B)).isEqualTo(chunks);
        int last = d.blocks(THREE_B) - 1;
        long lastValues = THREE_B - (long) last * d.blockValues();
        assertThat(lastValues).isBetween(1L, (long) d.blockValues());
        // The last chunk starts past 2^31 bytes and ends exactly at the end of the message.
        assertThat(d.blockOffset(last)).isGreaterThan(Integer.MAX_VALUE);
        assertThat(d.blockOffset(last) + d.blockBytes((int) lastValues)).isEqualTo(c.encodedSize(THREE_B));
    }

    @Test
    void fixedWidthBlocksEndAtTheMessageEndPastTwoToTheThirtyOne() {
        for (Codec c : new Codec[] {new Fp32Codec(), new Bf16Codec()}) {
            BlockDecoder d = c.blocks();
            int last = d.blocks(THREE_B) - 1;
            long lastValues = THREE_B - (long) last * d.blockValues();
            assertThat(d.blockOffset(last) + d.blockBytes((int) lastValues)).as(c.spec()).isEqualTo(c.encodedSize(THREE_B));
        }
        assertThat(new Fp32Codec().encodedSize(SEVENTY_B)).isEqualTo(8 + 4 * SEVENTY_B);
        assertThat(new Bf16Codec().encodedSize(SEVENTY_B)).isEqualTo(8 + 2 * SEVENTY_B);
    }

    @Test
    void fourBitAndTopKSizesOfSeventyBillionValues() {
        long blocks = (SEVENTY_B + 63) / 64;
        assertThat(new Q4Codec().encodedSize(SEVENTY_B)).isEqualTo(12 + 4 * blocks + SEVENTY_B / 2);
        assertThat(new Fp4Codec().encodedSize(SEVENTY_B)).isEqualTo(12 + 4 * blocks + SEVENTY_B / 2);
        // 1 % kept: 7e8 values, each index in 37 bits (2^36 < 7e10 ≤ 2^37).
        TopKCodec topk = new TopKCodec(0.01);
        long k = 700_000_000L;
        assertThat(topk.k(SEVENTY_B)).isEqualTo(k);
        assertThat(BitPacking.bitsFor(SEVENTY_B)).isEqualTo(37);
        assertThat(topk.encodedSize(SEVENTY_B)).isEqualTo(20 + 4 * k + (k * 37 + 7) / 8);
    }
}
