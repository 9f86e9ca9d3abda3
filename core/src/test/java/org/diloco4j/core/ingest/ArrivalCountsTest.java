package org.diloco4j.core.ingest;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.TableBlocks;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counted as it arrives, in pieces split anywhere — inside the header, a table, a code word, mid-block,
 * in the last short block and its tail codes — heap or direct, a message gives exactly the counts and
 * tables {@link TableBlocks#histogram} gives reading each block whole, and its header; fed short or
 * too long, nothing.
 */
class ArrivalCountsTest {
    static float[] gradient(Random r, int n) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) g[i] = (float) r.nextGaussian() * 1e-3f;
        return g;
    }

    /** What reading each block whole gives. */
    static BlockHistograms reference(TableBlocks t, byte[] msg, int len) {
        int n = t.blocks(len);
        int[] counts = new int[n * TableBlocks.BINS];
        float[] tables = new float[counts.length];
        for (int b = 0; b < n; b++) {
            int m = (int) Math.min(t.blockValues(), len - (long) b * t.blockValues());
            t.histogram(b, msg, (int) t.blockOffset(b), m, counts, b * TableBlocks.BINS, tables, b * TableBlocks.BINS);
        }
        byte[] header = java.util.Arrays.copyOf(msg, t.headerBytes());
        return new BlockHistograms(t, len, header, counts, tables);
    }

    /** Feeds {@code msg} cut at {@code cuts} (ascending), the pieces in turn from a heap array at an offset and from a direct buffer. */
    static BlockHistograms feed(TableBlocks t, int len, byte[] msg, List<Integer> cuts) {
        ArrivalCounts a = ArrivalCounts.of(t, len);
        int from = 0;
        List<Integer> ends = new ArrayList<>(cuts);
        ends.add(msg.length);
        int i = 0;
        for (int to : ends) {
            int k = to - from;
            ByteBuffer b;
            if (i % 4 < 2) {
                b = ByteBuffer.wrap(msg, from, k); // position at the offset: the counter must read from there
            } else {
                b = ByteBuffer.allocateDirect(k + 5).order(ByteOrder.BIG_ENDIAN);
                b.position(5);
                b.put(msg, from, k).position(5);
            }
            // Read-only too, as gRPC hands pieces over: read-only direct ones are counted in place, the rest through a copy.
            if (i++ % 2 == 1) b = b.asReadOnlyBuffer();
            int pos = b.position();
            a.accept(b);
            assertThat(b.position()).as("the buffer's position is left as it was").isEqualTo(pos);
            from = to;
        }
        return a.result();
    }

    static void assertSame(BlockHistograms got, BlockHistograms want, String what) {
        assertThat(got).as(what).isNotNull();
        assertThat(got.header()).as(what).isEqualTo(want.header());
        assertThat(got.counts()).as(what).isEqualTo(want.counts());
        int[] gt = new int[got.tables().length];
        int[] wt = new int[gt.length];
        assertThat(got.tables().length).isEqualTo(want.tables().length);
        for (int k = 0; k < gt.length; k++) {
            gt[k] = Float.floatToRawIntBits(got.tables()[k]);
            wt[k] = Float.floatToRawIntBits(want.tables()[k]);
        }
        assertThat(gt).as(what).isEqualTo(wt);
        assertThat(got.fits(want.layout(), want.len())).isTrue();
    }

    /** Two blocks of 256 and a last one of 7 values (one code word, three tail codes): cut in two at every byte, and in three around each. */
    @Test
    void aMessageCutAtEveryByteGivesTheSameCounts() {
        Codec int8 = Codecs.parse("int8:chunk=256");
        int len = 2 * 256 + 7;
        byte[] msg = StreamedDeltaTest.withFloat(int8.encode(gradient(new Random(1), len)), (int) int8.blocks().blockOffset(1) + 4 * 3, Float.NaN);
        TableBlocks t = (TableBlocks) int8.blocks();
        BlockHistograms want = reference(t, msg, len);
        assertThat(want.counts()).as("the message's codes spread over many values").matches(c -> java.util.Arrays.stream(c).filter(x -> x > 0).count() > 50);
        for (int p = 0; p <= msg.length; p++) {
            assertSame(feed(t, len, msg, List.of(p)), want, "cut at " + p);
            for (int q = p + 1; q <= Math.min(msg.length, p + 9); q++) assertSame(feed(t, len, msg, List.of(p, q)), want, "cut at " + p + " and " + q);
        }
    }

    /** Many random cuts, pieces from one byte to a few blocks, under chunks whose blocks hold m mod 4 = 1 (257) and a short last block (65536). */
    @Test
    void randomCutsGiveTheSameCounts() {
        Random r = new Random(2);
        for (String spec : List.of("int8:chunk=257", "int8")) {
            Codec int8 = Codecs.parse(spec);
            int len = 70_003;
            byte[] msg = int8.encode(gradient(r, len));
            TableBlocks t = (TableBlocks) int8.blocks();
            BlockHistograms want = reference(t, msg, len);
            for (int trial = 0; trial < 60; trial++) {
                List<Integer> cuts = new ArrayList<>();
                int max = trial % 3 == 0 ? 7 : trial % 3 == 1 ? 3000 : 100_000;
                for (int at = 1 + r.nextInt(max); at < msg.length; at += 1 + r.nextInt(max)) cuts.add(at);
                assertSame(feed(t, len, msg, cuts), want, spec + ", trial " + trial);
            }
        }
    }

    /**
     * Whatever kind of buffer a piece arrives in, the counting loop is handed read-only direct buffers only, the transport's
     * kind: a heap buffer reaching it made C2 recompile it for two buffer classes (docs/bench/histogram.md).
     */
    @Test
    void theLoopSeesReadOnlyDirectBuffersOnly() {
        Codec int8 = Codecs.parse("int8:chunk=256");
        int len = 3 * 256 + 5;
        byte[] msg = int8.encode(gradient(new Random(4), len));
        TableBlocks t = (TableBlocks) int8.blocks();
        List<String> seen = new ArrayList<>();
        CodeCounter counts = org.diloco4j.core.codec.CodeCounts::add;
        ArrivalCounts a = ArrivalCounts.of(t, len, (codes, from, to, c, cOff) -> {
            seen.add((codes.isDirect() ? "direct" : "heap") + (codes.isReadOnly() ? ", read-only" : ""));
            counts.add(codes, from, to, c, cOff);
        });
        int third = msg.length / 3;
        ByteBuffer direct = ByteBuffer.allocateDirect(msg.length).put(msg).flip();
        a.accept(ByteBuffer.wrap(msg, 0, third));
        a.accept(ByteBuffer.wrap(msg, third, third).slice().asReadOnlyBuffer());
        a.accept(direct.slice(2 * third, msg.length - 2 * third));
        assertSame(a.result(), reference(t, msg, len), "heap, read-only heap and direct pieces");
        assertThat(seen).as("what the loop was handed").isNotEmpty().containsOnly("direct, read-only");
    }

    @Test
    void aMessageShortOrLongGivesNothing() {
        Codec int8 = Codecs.parse("int8:chunk=256");
        int len = 1000;
        byte[] msg = int8.encode(gradient(new Random(3), len));
        TableBlocks t = (TableBlocks) int8.blocks();
        ArrivalCounts shortOne = ArrivalCounts.of(t, len);
        shortOne.accept(ByteBuffer.wrap(msg, 0, msg.length - 1));
        assertThat(shortOne.result()).as("one byte short").isNull();
        ArrivalCounts longOne = ArrivalCounts.of(t, len);
        longOne.accept(ByteBuffer.wrap(msg));
        assertThat(longOne.result()).isNotNull();
        longOne.accept(ByteBuffer.wrap(new byte[1]));
        assertThat(longOne.result()).as("one byte too many").isNull();
        assertThat(ArrivalCounts.of(Codecs.parse("fp32").blocks(), len)).as("no table: nothing counted").isNull();
    }
}
