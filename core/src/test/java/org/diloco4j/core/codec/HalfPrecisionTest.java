package org.diloco4j.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** fp16 and bf16 against PyTorch's rounding (fixture made by src/test/python/codec/make_codec_fixtures.py) and closed-form bounds. */
class HalfPrecisionTest {
    private static float[] inputs;
    private static short[] torchBf16;
    private static short[] torchFp16;

    @BeforeAll
    static void load() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (var in = HalfPrecisionTest.class.getResourceAsStream("half_rounding.txt");
                var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) if (!line.startsWith("#")) rows.add(line.trim().split(" "));
        }
        int n = rows.size();
        inputs = new float[n];
        torchBf16 = new short[n];
        torchFp16 = new short[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(rows.get(i)[0], 16));
            torchBf16[i] = (short) Integer.parseInt(rows.get(i)[1], 16);
            torchFp16[i] = (short) Integer.parseInt(rows.get(i)[2], 16);
        }
        assertThat(n).isGreaterThan(5000);
    }

    @Test
    void bf16MatchesPyTorchBitForBit() {
        float[] decoded = new Bf16Codec().decode(new Bf16Codec().encode(inputs), inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            float expected = Bf16Codec.fromBf16(torchBf16[i]);
            if (Float.isNaN(inputs[i])) {
                assertThat(decoded[i]).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(decoded[i])).as("bf16 of %s (0x%08x)", inputs[i], Float.floatToRawIntBits(inputs[i]))
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }

    @Test
    void fp16MatchesPyTorchOfClampedFiniteValuesBitForBit() {
        float[] decoded = new Fp16Codec().decode(new Fp16Codec().encode(inputs), inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            if (Float.isNaN(inputs[i])) {
                assertThat(decoded[i]).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(decoded[i])).as("fp16 of %s", inputs[i])
                        .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(torchFp16[i])));
            }
        }
    }

    @Test
    void bf16RelativeErrorIsAtMostTwoToTheMinus8() {
        float[] v = TestData.gaussian(3, 100_003, 1e-3);
        float[] d = new Bf16Codec().decode(new Bf16Codec().encode(v), v.length);
        double worst = 0;
        for (int i = 0; i < v.length; i++) if (v[i] != 0) worst = Math.max(worst, Math.abs(d[i] - v[i]) / Math.abs(v[i]));
        assertThat(worst).isLessThanOrEqualTo(Math.pow(2, -8)).isGreaterThan(Math.pow(2, -10));
    }

    @Test
    void fp16RelativeErrorIsAtMostTwoToTheMinus11InTheNormalRangeAndSaturatesFiniteValuesOutside() {
        float[] v = TestData.gaussian(4, 100_003, 100);
        float[] d = new Fp16Codec().decode(new Fp16Codec().encode(v), v.length);
        double worst = 0;
        for (int i = 0; i < v.length; i++) {
            if (Math.abs(v[i]) >= 0x1p-14f && Math.abs(v[i]) <= Fp16Codec.MAX) worst = Math.max(worst, Math.abs(d[i] - v[i]) / Math.abs(v[i]));
        }
        assertThat(worst).isLessThanOrEqualTo(Math.pow(2, -11)).isGreaterThan(Math.pow(2, -13));
        float[] big = {1e9f, -1e9f, 65519f, 1e-9f, Float.MAX_VALUE};
        float[] db = new Fp16Codec().decode(new Fp16Codec().encode(big), big.length);
        assertThat(db).containsExactly(65504f, -65504f, 65504f, 0f, 65504f);
    }

    /** A diverged worker's values reach the coordinator as non-finite, whatever block of a long message they are in. */
    @Test
    void fp16KeepsInfinitiesAndNanInsteadOfSaturatingThem() {
        float[] v = TestData.gaussian(5, 10_000, 1);
        v[3] = Float.POSITIVE_INFINITY;
        v[4097] = Float.NEGATIVE_INFINITY;
        v[9000] = Float.NaN;
        v[9001] = Float.POSITIVE_INFINITY;
        float[] d = new Fp16Codec().decode(new Fp16Codec().encode(v), v.length);
        assertThat(d[3]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(d[4097]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(d[9000]).isNaN();
        assertThat(d[9001]).isEqualTo(Float.POSITIVE_INFINITY);
        int nonFinite = 0;
        for (float x : d) if (!Float.isFinite(x)) nonFinite++;
        assertThat(nonFinite).isEqualTo(4);
    }

    @Test
    void fp16SubnormalsKeepAnAbsoluteErrorOfHalfTheirSpacing() {
        float[] v = new float[2000];
        for (int i = 0; i < v.length; i++) v[i] = (i - 1000) * 0x1p-34f * 37;
        float[] d = new Fp16Codec().decode(new Fp16Codec().encode(v), v.length);
        for (int i = 0; i < v.length; i++) assertThat((double) Math.abs(d[i] - v[i])).isLessThanOrEqualTo(0x1p-25);
    }

    @Test
    void valuesAlreadyRepresentableSurviveExactly() {
        float[] v = new float[70000];
        for (int i = 0; i < v.length; i++) v[i] = Bf16Codec.fromBf16((short) (i * 7919));
        float[] d = new Bf16Codec().decode(new Bf16Codec().encode(v), v.length);
        for (int i = 0; i < v.length; i++) {
            if (Float.isNaN(v[i])) assertThat(d[i]).isNaN();
            else assertThat(Float.floatToRawIntBits(d[i])).isEqualTo(Float.floatToRawIntBits(v[i]));
        }
    }

    @Test
    void bf16NanStaysNanWhateverItsPayload() {
        float[] v = {Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFFFFFFF), Float.intBitsToFloat(0x7FFF8000), Float.NaN};
        for (float d : new Bf16Codec().decode(new Bf16Codec().encode(v), v.length)) assertThat(d).isNaN();
        assertThat(Bf16Codec.toBf16(Float.intBitsToFloat(0xFFFFFFFF))).isNegative();
    }
}
