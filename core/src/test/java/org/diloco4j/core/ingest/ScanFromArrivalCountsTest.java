package org.diloco4j.core.ingest;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.CodecException;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.TableBlocks;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A source that brings the counts taken as it arrived is scanned without reading it: the same norm,
 * scaled norm, refusals and first non-finite value, bit for bit, as a scan that reads every block;
 * counts of another layout or length are not used.
 */
class ScanFromArrivalCountsTest {
    static final int LEN = StreamedDeltaTest.LEN;

    /** A message in memory that counts the bytes read from it, with the counts (if any) taken as it arrived. */
    static final class Counting implements EncodedSource {
        final byte[] bytes;
        final BlockHistograms counts;
        final AtomicLong read = new AtomicLong();

        Counting(byte[] bytes, BlockHistograms counts) {
            this.bytes = bytes;
            this.counts = counts;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void read(long position, byte[] dst, int off, int len) {
            read.addAndGet(len);
            System.arraycopy(bytes, (int) position, dst, off, len);
        }

        @Override
        public BlockHistograms histograms() {
            return counts;
        }
    }

    static BlockHistograms arrived(Codec codec, byte[] msg, int len) {
        ArrivalCounts a = ArrivalCounts.of(codec.blocks(), len);
        for (int at = 0; at < msg.length; at += 16_384) a.accept(ByteBuffer.wrap(msg, at, Math.min(16_384, msg.length - at)));
        return a.result();
    }

    @Test
    void countsThatCameWithTheBytesAreUsedWithoutReadingThem() {
        for (String spec : new String[] {"int8", "int8:chunk=257"}) {
            Codec int8 = Codecs.parse(spec);
            byte[] msg = int8.encode(StreamedDeltaTest.gradient(new Random(4)));
            Counting plain = new Counting(msg, null);
            Counting counted = new Counting(msg, arrived(int8, msg, LEN));
            StreamedDelta a = new StreamedDelta(int8.blocks(), plain, LEN);
            StreamedDelta b = new StreamedDelta(int8.blocks(), counted, LEN);
            StreamedDelta.Scan sa = a.scan(StreamedDeltaTest.TWO);
            StreamedDelta.Scan sb = b.scan(StreamedDeltaTest.TWO);
            assertThat(plain.read.get()).as("a scan without counts reads the message").isEqualTo(msg.length);
            assertThat(counted.read.get()).as(spec + ": bytes read by a scan that has the counts").isZero();
            assertThat(sb.finite()).isTrue();
            assertThat(Double.doubleToRawLongBits(sb.norm())).isEqualTo(Double.doubleToRawLongBits(sa.norm()));
            assertThat(Double.doubleToRawLongBits(b.scaledNorm(0.37f, StreamedDeltaTest.TWO)))
                    .isEqualTo(Double.doubleToRawLongBits(a.scaledNorm(0.37f, StreamedDeltaTest.TWO)));
            assertThat(counted.read.get()).as("nor does the scaled norm").isZero();
        }
    }

    /** A non-finite entry a value uses: found at the same index, reading that one block only. */
    @Test
    void theFirstNonFiniteValueIsFoundAsBefore() {
        Codec int8 = Codecs.parse("int8:chunk=256");
        byte[] msg = int8.encode(StreamedDeltaTest.gradient(new Random(6)));
        int chunk = 17;
        int table = (int) int8.blocks().blockOffset(chunk);
        int used = msg[table + 4 * TableBlocks.BINS + 5] & 0xFF; // the code of one value of the chunk (byte 5 of its codes): a table entry that value uses
        byte[] bad = StreamedDeltaTest.withFloat(msg, table + 4 * used, Float.NEGATIVE_INFINITY);
        StreamedDelta.Scan want = new StreamedDelta(int8.blocks(), EncodedSource.of(bad), LEN).scan(StreamedDeltaTest.THREE);
        Counting counted = new Counting(bad, arrived(int8, bad, LEN));
        StreamedDelta.Scan got = new StreamedDelta(int8.blocks(), counted, LEN).scan(StreamedDeltaTest.THREE);
        assertThat(want.finite()).isFalse();
        assertThat(got.finite()).isFalse();
        assertThat(got.badIndex()).isEqualTo(want.badIndex());
        assertThat(got.badIndex() / 256).isEqualTo(chunk);
        assertThat(Float.floatToRawIntBits(got.badValue())).isEqualTo(Float.floatToRawIntBits(want.badValue()));
        assertThat(counted.read.get()).as("only the block with the non-finite sum is read").isEqualTo(int8.blocks().blockBytes(256));
    }

    /** The header kept on arrival is checked: a message of another codec's parameters is refused as before. */
    @Test
    void aWrongHeaderIsRefusedFromTheCounts() {
        Codec int8 = Codecs.parse("int8:chunk=256");
        byte[] msg = int8.encode(StreamedDeltaTest.gradient(new Random(7)));
        byte[] other = msg.clone();
        other[int8.blocks().headerBytes() - 4] = 1; // the chunk parameter: 257, not 256
        Counting counted = new Counting(other, arrived(int8, other, LEN));
        assertThat(counted.histograms()).isNotNull();
        assertThatThrownBy(() -> new StreamedDelta(int8.blocks(), counted, LEN).scan(null)).isInstanceOf(CodecException.class)
                .hasMessageContaining("chunk 257");
        assertThat(counted.read.get()).isZero();
    }

    /** Counts of another length or another chunk are not this message's: the scan reads it, and gets its own norm. */
    @Test
    void countsOfAnotherLayoutAreNotUsed() {
        Codec int8 = Codecs.parse("int8:chunk=256");
        byte[] msg = int8.encode(StreamedDeltaTest.gradient(new Random(8)));
        double norm = new StreamedDelta(int8.blocks(), EncodedSource.of(msg), LEN).scan(null).norm();
        Codec other = Codecs.parse("int8:chunk=512");
        BlockHistograms wrongChunk = arrived(other, other.encode(StreamedDeltaTest.gradient(new Random(9))), LEN);
        BlockHistograms wrongLen = arrived(int8, int8.encode(new float[LEN - 1]), LEN - 1);
        for (BlockHistograms wrong : new BlockHistograms[] {wrongChunk, wrongLen}) {
            assertThat(wrong).isNotNull();
            Counting counted = new Counting(msg, wrong);
            double got = new StreamedDelta(int8.blocks(), counted, LEN).scan(null).norm();
            assertThat(Double.doubleToRawLongBits(got)).isEqualTo(Double.doubleToRawLongBits(norm));
            assertThat(counted.read.get()).isEqualTo(msg.length);
        }
    }
}
