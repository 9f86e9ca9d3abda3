package org.diloco4j.core.ingest;

import java.nio.ByteBuffer;

import org.diloco4j.core.codec.BlockDecoder;
import org.diloco4j.core.codec.CodeCounts;
import org.diloco4j.core.codec.TableBlocks;

/**
 * A table codec's {@link BlockHistograms}, counted as the message arrives: fed its bytes in order, in
 * pieces split anywhere (in the header, a table, a code word), by the thread that receives them while
 * they are in its cache, so {@link StreamedDelta#scan} need not read the message back for its norm.
 * The header and each block's table are kept as they pass; the codes are counted by {@link CodeCounts},
 * the loop {@link TableBlocks#histogram} uses, and each table by {@link TableBlocks#table}, as that
 * method reads it: the same counts and tables, bit for bit, as a scan's. Not thread-safe: one receiver feeds it.
 */
public final class ArrivalCounts {
    private final TableBlocks layout;
    private final CodeCounter counter;
    private final int len;
    private final int blocks;
    /** The message's size: header, then the blocks back to back. */
    private final long size;
    private final int tableBytes;
    private final byte[] header;
    private final int[] counts;
    private final float[] tables;
    /** The table of the block being received, until it is whole, and its entries. */
    private final byte[] table;
    private final float[] entries = new float[TableBlocks.BINS];
    /** Bytes fed so far. */
    private long at;
    /** The block being received (-1: the header), where it starts and its values. */
    private int block = -1;
    private long blockStart;
    private int m;
    /**
     * A direct buffer that other pieces than read-only direct ones are copied into to be counted (allocated on the first),
     * and its read-only view: 16 KiB off the heap per upload in flight that had one, not in {@link #heapBytes}.
     */
    private static final int SPARE = 16 * 1024;
    private ByteBuffer spareBytes;
    private ByteBuffer spare;
    /** More bytes were fed than the message has: nothing counted is used. */
    private boolean overfed;

    private ArrivalCounts(TableBlocks layout, int len, CodeCounter counter) {
        this.layout = layout;
        this.counter = counter;
        this.len = len;
        this.blocks = layout.blocks(len);
        this.tableBytes = layout.blockBytes(0);
        this.header = new byte[layout.headerBytes()];
        this.size = blocks == 0 ? header.length : layout.blockOffset(blocks - 1) + layout.blockBytes(values(blocks - 1));
        if (layout.blockOffset(0) != header.length || blocks > 1 && layout.blockOffset(1) != header.length + layout.blockBytes(layout.blockValues())) {
            throw new IllegalArgumentException(layout + ": its blocks do not follow the header back to back");
        }
        this.counts = new int[Math.multiplyExact(blocks, TableBlocks.BINS)];
        this.tables = new float[counts.length];
        this.table = new byte[tableBytes];
        if (header.length == 0) next();
    }

    /**
     * The heap one counter holds for a message of {@code len} values of {@code decoder}'s blocks, from
     * the push's header to its apply (0: not a table codec, nothing counted): 256 counts and 256 table
     * entries per block, 2 KiB per 64K-value int8 chunk (31 MB at 1B), plus one table and the header.
     */
    public static long heapBytes(BlockDecoder decoder, int len) {
        if (!(decoder instanceof TableBlocks t)) return 0;
        return (long) t.blocks(len) * TableBlocks.BINS * (Integer.BYTES + Float.BYTES) + t.blockBytes(0) + t.headerBytes();
    }

    /** A counter for a message of {@code len} values of {@code decoder}'s blocks; null if it is not a table codec (nothing is counted). */
    public static ArrivalCounts of(BlockDecoder decoder, int len) {
        return of(decoder, len, CodeCounts::add);
    }

    /** As {@link #of(BlockDecoder, int)}, the codes counted by {@code counter}. */
    static ArrivalCounts of(BlockDecoder decoder, int len, CodeCounter counter) {
        return decoder instanceof TableBlocks t ? new ArrivalCounts(t, len, counter) : null;
    }

    /** Takes the next bytes of the message, {@code b}'s from its position to its limit (which stay as they are). */
    public void accept(ByteBuffer b) {
        if (overfed) return;
        int n = b.remaining();
        if (n > size - at) {
            overfed = true;
            return;
        }
        for (int i = b.position(), end = b.limit(); i < end; ) i += take(b, i, end - i);
    }

    /** Takes what of {@code b[i, i + n)} lies in the current region (header, table or codes); returns how much. */
    private int take(ByteBuffer b, int i, int n) {
        if (block < 0) {
            int k = (int) Math.min(n, header.length - at);
            b.get(i, header, (int) at, k);
            at += k;
            if (at == header.length) next();
            return k;
        }
        long rel = at - blockStart;
        if (rel < tableBytes) {
            int k = (int) Math.min(n, tableBytes - rel);
            b.get(i, table, (int) rel, k);
            at += k;
            // The whole table, read as the codec reads it. Not by histogram(m = 0), whose CodeCounts call on a heap
            // buffer would make CodeCounts's profile bimorphic where it otherwise sees read-only direct buffers only (see counted).
            if (rel + k == tableBytes) {
                layout.table(block, table, 0, 0, 1f, false, entries);
                System.arraycopy(entries, 0, tables, block * TableBlocks.BINS, TableBlocks.BINS);
            }
            return k;
        }
        int k = (int) Math.min(n, blockStart + tableBytes + m - at);
        // The transport's read-only direct buffers are counted where they are; any other kind through the spare (counted).
        if (b.isDirect() && b.isReadOnly()) {
            counter.add(b, i, i + k, counts, block * TableBlocks.BINS);
        } else {
            counted(b, i, k);
        }
        at += k;
        if (at == blockStart + tableBytes + m) next();
        return k;
    }

    /**
     * Counts {@code b[i, i + k)} through a read-only direct spare, so that the counting loop sees one buffer class, the
     * transport's (DirectByteBufferR). gRPC hands over the odd chunk on the heap (HeapByteBufferR of 1 MiB: 217 of the 1.23M
     * buffers counted in a 100M push bench); reaching the loop, it made C2 throw away the loop it had compiled for direct
     * buffers alone and compile one for both, at a time that varies from run to run (seen with -XX:+PrintCompilation and
     * -XX:CompileCommand=PrintInlining; docs/bench/histogram.md).
     */
    private void counted(ByteBuffer b, int i, int k) {
        if (spare == null) {
            spareBytes = ByteBuffer.allocateDirect(SPARE);
            spare = spareBytes.asReadOnlyBuffer();
        }
        for (int j = 0; j < k; ) {
            int piece = Math.min(SPARE, k - j);
            spareBytes.put(0, b, i + j, piece);
            counter.add(spare, 0, piece, counts, block * TableBlocks.BINS);
            j += piece;
        }
    }

    private void next() {
        block++;
        if (block == blocks) return;
        blockStart = layout.blockOffset(block);
        m = values(block);
    }

    private int values(int b) {
        return (int) Math.min(layout.blockValues(), len - (long) b * layout.blockValues());
    }

    /** What was counted, if exactly the whole message was fed; else null (the scan then reads the message). */
    public BlockHistograms result() {
        return !overfed && at == size ? new BlockHistograms(layout, len, header, counts, tables) : null;
    }
}
