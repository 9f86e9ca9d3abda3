package org.diloco4j.core.ingest;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.CodecException;
import org.diloco4j.core.codec.TableBlocks;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A pseudo-gradient applied block by block from its encoding, on one thread or several, equals
 * the old path — decode whole, scale, step — bit for bit: θ, the optimizer's buffers and max |θ|;
 * its norm (plain and scaled) is the block-summed norm of the decoded (scaled) vector
 * ({@link BlockNorms}), the same bits on 1, 2 or 3 threads. Over several codecs, block sizes that are and are not
 * multiples of 4, a fragment of several ranges, and every async optimizer case.
 */
class StreamedDeltaTest {
    /** Not a multiple of 4, and more than one block under every codec below. */
    static final int LEN = 70_003;
    static final ForkJoinPool ONE = new ForkJoinPool(1);
    static final ForkJoinPool TWO = new ForkJoinPool(2);
    static final ForkJoinPool THREE = new ForkJoinPool(3);

    @AfterAll
    static void shutdown() {
        ONE.shutdown();
        TWO.shutdown();
        THREE.shutdown();
    }

    /** Three ranges of a θ of LEN + 300 values, with gaps. */
    static final Fragment FRAGMENT = new Fragment(0, List.of(new Range(100, 30_000), new Range(30_150, 1), new Range(30_200, LEN - 30_001)));

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<OuterOptimizerConfig> outers = List.of(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 1, 0),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 1, 0.5), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0.25), OuterOptimizerConfig.diloco(), OuterOptimizerConfig.momentum(0.7, 0.9),
                OuterOptimizerConfig.sgd(0.5));
        for (String codec : List.of("int8", "int8:chunk=257", "fp32", "bf16")) {
            for (OuterOptimizerConfig o : outers) out.add(Arguments.of(codec, o));
        }
        return out;
    }

    static float[] gradient(Random r) {
        float[] g = new float[LEN];
        for (int i = 0; i < LEN; i++) g[i] = (float) (0.01 * r.nextGaussian());
        return g;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void streamedApplyEqualsTheWholeDecodeAndStep(String spec, OuterOptimizerConfig cfg) {
        Codec codec = Codecs.parse(spec);
        Random r = new Random(3);
        float[] thetaOld = new float[LEN + 300];
        for (int i = 0; i < thetaOld.length; i++) thetaOld[i] = (float) r.nextGaussian();
        float[] thetaOne = thetaOld.clone();
        float[] thetaTwo = thetaOld.clone();
        OuterOptimizer old = cfg.create(LEN);
        OuterOptimizer one = cfg.create(LEN);
        OuterOptimizer two = cfg.create(LEN);
        // Fresh arrivals (factor 1, no scaling) and stale ones (scaled), crossing buffers of N.
        double[] factors = {1, 0.7, 1, 0.3333, 0.9, 1, 0.5};
        for (int k = 0; k < factors.length; k++) {
            byte[] msg = codec.encode(gradient(r));
            boolean scale = factors[k] != 1.0;
            float f = (float) factors[k];

            float[] g = codec.decode(msg, LEN);
            double plainNorm = BlockNorms.of(codec, msg, g);
            if (scale) VectorOps.scale(f, g);
            double norm = BlockNorms.of(codec, msg, g);
            float[] dense = FRAGMENT.gather(thetaOld);
            old.step(dense, g);
            FRAGMENT.scatter(dense, thetaOld);

            StreamedDelta s = new StreamedDelta(codec.blocks(), EncodedSource.of(msg), LEN);
            for (ForkJoinPool pool : new ForkJoinPool[] {null, ONE, TWO, THREE}) {
                StreamedDelta.Scan scan = s.scan(pool);
                assertThat(scan.finite()).isTrue();
                assertThat(Double.doubleToRawLongBits(scan.norm())).as("norm of arrival %d on %s", k, pool).isEqualTo(Double.doubleToRawLongBits(plainNorm));
                double streamedNorm = scale ? s.scaledNorm(f, pool) : scan.norm();
                assertThat(Double.doubleToRawLongBits(streamedNorm)).as("scaled norm of arrival %d on %s", k, pool).isEqualTo(Double.doubleToRawLongBits(norm));
            }
            float maxOne = s.apply(FRAGMENT, one.begin(), thetaOne, f, scale, null);
            one.commit();
            float maxTwo = s.apply(FRAGMENT, two.begin(), thetaTwo, f, scale, TWO);
            two.commit();

            float want = 0;
            for (Range rg : FRAGMENT.ranges()) want = Math.max(want, VectorOps.maxAbs(thetaOld, rg.arrayStart(), rg.arrayEnd()));
            assertThat(maxOne).isEqualTo(want);
            assertThat(maxTwo).isEqualTo(want);
            assertThat(thetaOne).as("θ after arrival %d, one thread", k).isEqualTo(thetaOld);
            assertThat(thetaTwo).as("θ after arrival %d, two threads", k).isEqualTo(thetaOld);
            assertSameState(old.state(), one.state());
            assertSameState(old.state(), two.state());
        }
    }

    static void assertSameState(OptimizerState want, OptimizerState got) {
        assertThat(got.counters()).isEqualTo(want.counters());
        for (Map.Entry<String, float[]> e : want.arrays().entrySet()) assertThat(got.buffer(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }

    /** The scan finds the first non-finite value, as the whole-vector check does, on any number of threads. */
    @Test
    void theScanNamesTheFirstNonFiniteValue() {
        Codec fp32 = Codecs.parse("fp32");
        float[] g = gradient(new Random(5));
        g[68_000] = Float.POSITIVE_INFINITY;
        g[69_000] = Float.NaN;
        for (ForkJoinPool pool : new ForkJoinPool[] {null, THREE}) {
            StreamedDelta.Scan scan = new StreamedDelta(fp32.blocks(), EncodedSource.of(fp32.encode(g)), LEN).scan(pool);
            assertThat(scan.finite()).isFalse();
            assertThat(scan.badIndex()).isEqualTo(68_000);
            assertThat(scan.badValue()).isEqualTo(Float.POSITIVE_INFINITY);
        }
    }

    /**
     * An int8 table entry that is NaN or infinite matters only if a value uses it: unused, the scan
     * passes with the same norm; used, it names the first value of that code. (Decoding whole, the
     * codec still refuses any such entry.)
     */
    @Test
    void aNonFiniteTableEntryCountsOnlyWhenAValueUsesIt() {
        Codec int8 = Codecs.parse("int8:chunk=256");
        byte[] msg = int8.encode(gradient(new Random(6)));
        int chunk = 17;
        int table = (int) int8.blocks().blockOffset(chunk);
        int codes = table + 4 * TableBlocks.BINS;
        int[] count = new int[TableBlocks.BINS];
        for (int i = 0; i < 256; i++) count[msg[codes + i] & 0xFF]++;
        int unused = 0;
        while (count[unused] > 0) unused++;
        int used = msg[codes] & 0xFF; // the code of the chunk's first value (value 0 is byte 0)
        double norm = new StreamedDelta(int8.blocks(), EncodedSource.of(msg), LEN).scan(null).norm();
        for (float bad : new float[] {Float.NaN, Float.NEGATIVE_INFINITY}) {
            byte[] a = withFloat(msg, table + 4 * unused, bad);
            StreamedDelta.Scan fine = new StreamedDelta(int8.blocks(), EncodedSource.of(a), LEN).scan(THREE);
            assertThat(fine.finite()).as("entry %d, used by no value, = %s", unused, bad).isTrue();
            assertThat(Double.doubleToRawLongBits(fine.norm())).isEqualTo(Double.doubleToRawLongBits(norm));

            byte[] b = withFloat(msg, table + 4 * used, bad);
            StreamedDelta.Scan refused = new StreamedDelta(int8.blocks(), EncodedSource.of(b), LEN).scan(THREE);
            assertThat(refused.finite()).isFalse();
            assertThat(refused.badIndex()).isEqualTo(chunk * 256);
            assertThat(Float.floatToRawIntBits(refused.badValue())).isEqualTo(Float.floatToRawIntBits(bad));
            assertThatThrownBy(() -> int8.decode(a, LEN)).isInstanceOf(CodecException.class).hasMessageContaining("table entry " + unused + " of chunk " + chunk);
        }
    }

    static byte[] withFloat(byte[] msg, int at, float v) {
        byte[] m = msg.clone();
        java.nio.ByteBuffer.wrap(m).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(at, v);
        return m;
    }

    /**
     * int8's norm from each chunk's histogram of codes is the per-value sum's within rounding (it
     * adds count · t² once per code, not t² once per value), and a scaled one is that of the values
     * the apply writes.
     */
    @Test
    void theHistogramNormIsThePerValueNormWithinRounding() {
        Codec int8 = Codecs.parse("int8");
        byte[] msg = int8.encode(gradient(new Random(8)));
        float[] g = int8.decode(msg, LEN);
        StreamedDelta s = new StreamedDelta(int8.blocks(), EncodedSource.of(msg), LEN);
        assertThat(s.scan(TWO).norm()).isCloseTo(VectorOps.blockedNorm2(g), org.assertj.core.data.Percentage.withPercentage(1e-10));
        VectorOps.scale(0.37f, g);
        assertThat(s.scaledNorm(0.37f, TWO)).isCloseTo(VectorOps.blockedNorm2(g), org.assertj.core.data.Percentage.withPercentage(1e-10));
    }

    /** Several blocks that cannot be read: whatever the threads, the first one's error is the one reported. */
    @Test
    void theFirstUnreadableBlockIsReportedOnAnyNumberOfThreads() {
        Codec int8 = Codecs.parse("int8:chunk=256");
        EncodedSource whole = EncodedSource.of(int8.encode(gradient(new Random(6))));
        java.util.Set<Long> lost = new java.util.HashSet<>();
        for (int chunk : new int[] {200, 17, 250}) lost.add(int8.blocks().blockOffset(chunk));
        EncodedSource failing = new EncodedSource() {
            @Override
            public long size() {
                return whole.size();
            }

            @Override
            public void read(long position, byte[] dst, int off, int len) {
                if (lost.contains(position)) throw new java.io.UncheckedIOException(new java.io.IOException("lost block at " + position));
                whole.read(position, dst, off, len);
            }
        };
        for (ForkJoinPool pool : new ForkJoinPool[] {null, TWO, THREE}) {
            StreamedDelta s = new StreamedDelta(int8.blocks(), failing, LEN);
            assertThatThrownBy(() -> s.scan(pool)).isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("lost block at " + int8.blocks().blockOffset(17));
        }
    }

    /** A message of another length or codec is refused by its header before any block is read. */
    @Test
    void aWrongHeaderIsRefused() {
        Codec fp32 = Codecs.parse("fp32");
        byte[] msg = Codecs.parse("bf16").encode(new float[LEN]);
        assertThatThrownBy(() -> new StreamedDelta(fp32.blocks(), EncodedSource.of(msg), LEN).scan(null)).isInstanceOf(CodecException.class)
                .hasMessageContaining("got a bf16 message, expected fp32");
    }
}
