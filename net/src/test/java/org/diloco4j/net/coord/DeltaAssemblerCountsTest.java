package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.TableBlocks;
import org.diloco4j.core.ingest.ArrivalCounts;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An int8 upload counted as its chunks arrive (views of the transport's direct buffers, split anywhere,
 * part in memory and part spooled) is scanned and applied as the same bytes without counts: the same
 * norm, scaled norm and θ, bit for bit, and the same first non-finite value; an upload that is short
 * or corrupt is refused as before, and brings no counts.
 */
class DeltaAssemblerCountsTest {
    static final int LEN = 300_003;
    static final Codec INT8 = Codecs.parse("int8:chunk=4096");

    @TempDir
    Path dir;

    static byte[] message(Random r) {
        float[] g = new float[LEN];
        for (int i = 0; i < LEN; i++) g[i] = (float) r.nextGaussian() * 1e-3f;
        return INT8.encode(g);
    }

    /** Uploads {@code data} in chunks of 100,003 bytes, each a rope of direct buffers of 16,411, past the memory budget's end. */
    private DeltaAssembler upload(byte[] data, byte[] forCrc, int upTo) throws IOException {
        DeltaAssembler a = new DeltaAssembler(DeltaAssemblerTest.header(data.length, forCrc), new Spool(dir, DeltaAssembler.PIECE + 777),
                ArrivalCounts.of(INT8.blocks(), LEN));
        for (int at = 0; at < upTo; at += 100_003) {
            int n = Math.min(100_003, upTo - at);
            List<ByteString> pieces = new ArrayList<>();
            for (int p = 0; p < n; p += 16_411) {
                int k = Math.min(16_411, n - p);
                pieces.add(UnsafeByteOperations.unsafeWrap(ByteBuffer.allocateDirect(k).put(data, at + p, k).flip()));
            }
            assertThat(a.add(ByteString.copyFrom(pieces))).isNull();
        }
        return a;
    }

    @Test
    void anUploadCountedOnArrivalIsScannedAndAppliedAsItsBytes() throws IOException {
        Random r = new Random(21);
        Fragment f = new Fragment(0, List.of(new Range(0, LEN)));
        float[] theta0 = new float[LEN];
        for (int i = 0; i < LEN; i++) theta0[i] = (float) r.nextGaussian() * 0.02f;
        float[] thetaA = theta0.clone();
        float[] thetaB = theta0.clone();
        OuterOptimizer a = OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 1, 0).create(LEN);
        OuterOptimizer b = OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 1, 0).create(LEN);
        for (int k = 0; k < 3; k++) {
            byte[] data = message(r);
            DeltaAssembler up = upload(data, data, data.length);
            assertThat(up.finish()).isNull();
            assertThat(up.spooled()).isTrue();
            assertThat(up.source().histograms()).as("counted as it arrived").isNotNull();
            StreamedDelta counted = new StreamedDelta(INT8.blocks(), up.source(), LEN);
            StreamedDelta read = new StreamedDelta(INT8.blocks(), EncodedSource.of(data), LEN);
            assertThat(read.source().histograms()).isNull();
            StreamedDelta.Scan sa = counted.scan(null);
            StreamedDelta.Scan sb = read.scan(null);
            assertThat(sa.finite()).isTrue();
            assertThat(Double.doubleToRawLongBits(sa.norm())).isEqualTo(Double.doubleToRawLongBits(sb.norm()));
            float factor = 0.61f;
            assertThat(Double.doubleToRawLongBits(counted.scaledNorm(factor, null))).isEqualTo(Double.doubleToRawLongBits(read.scaledNorm(factor, null)));
            boolean scale = k == 1;
            float maxA = counted.apply(f, a.begin(), thetaA, factor, scale, null);
            a.commit();
            float maxB = read.apply(f, b.begin(), thetaB, factor, scale, null);
            b.commit();
            assertThat(maxA).isEqualTo(maxB);
            assertThat(thetaA).as("θ after push %d", k).isEqualTo(thetaB);
            assertThat(up.close()).isNull();
        }
        assertThat(thetaA).isNotEqualTo(theta0);
    }

    @Test
    void aNonFiniteTableEntryIsFoundAtTheSameIndex() throws IOException {
        byte[] data = message(new Random(22));
        int block = 40;
        int table = (int) INT8.blocks().blockOffset(block);
        int used = data[table + 4 * TableBlocks.BINS + 9] & 0xFF;
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(table + 4 * used, Float.NaN);
        DeltaAssembler up = upload(data, data, data.length);
        assertThat(up.finish()).isNull();
        StreamedDelta.Scan got = new StreamedDelta(INT8.blocks(), up.source(), LEN).scan(null);
        StreamedDelta.Scan want = new StreamedDelta(INT8.blocks(), EncodedSource.of(data), LEN).scan(null);
        assertThat(got.finite()).isFalse();
        assertThat(got.badIndex()).isEqualTo(want.badIndex()).isBetween(block * 4096, block * 4096 + 4095);
        assertThat(Float.floatToRawIntBits(got.badValue())).isEqualTo(Float.floatToRawIntBits(want.badValue()));
        up.close();
    }

    @Test
    void aShortOrCorruptUploadIsRefusedAsBefore() throws IOException {
        byte[] data = message(new Random(23));
        DeltaAssembler cut = upload(data, data, data.length - 1000);
        assertThat(cut.finish()).isEqualTo("upload ended after " + (data.length - 1000) + " of the declared " + data.length + " bytes");
        assertThat(cut.source().histograms()).as("counts of part of a message").isNull();
        cut.close();
        byte[] corrupt = data.clone();
        corrupt[123_456] ^= 1;
        DeltaAssembler bad = upload(corrupt, data, data.length);
        assertThat(bad.finish()).startsWith("CRC32C of the received bytes is ");
        bad.close();
    }
}
