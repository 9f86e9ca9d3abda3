package org.diloco4j.model.data.token;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Token ids read straight from a memory-mapped file: uint8, uint16 or int32, little-endian. The file
 * is mapped in chunks of 2^28 tokens so corpora beyond the 2 GiB limit of one mapping work; a token
 * never straddles chunks because chunk sizes are multiples of the width. Reads use absolute gets
 * only, so one instance is safe to share between threads. Mappings are released by the GC.
 */
final class MappedTokens implements TokenArray {
    private static final int CHUNK_SHIFT = 28;
    private static final long CHUNK_MASK = (1L << CHUNK_SHIFT) - 1;

    private final MappedByteBuffer[] chunks;
    private final int width;
    private final long size;

    MappedTokens(FileChannel channel, long offset, long size, int width) throws IOException {
        if (width != 1 && width != 2 && width != 4) throw new IllegalArgumentException("token width " + width);
        this.width = width;
        this.size = size;
        int n = (int) ((size + CHUNK_MASK) >>> CHUNK_SHIFT);
        chunks = new MappedByteBuffer[n];
        for (int c = 0; c < n; c++) {
            long first = (long) c << CHUNK_SHIFT;
            long count = Math.min(size - first, 1L << CHUNK_SHIFT);
            chunks[c] = channel.map(FileChannel.MapMode.READ_ONLY, offset + first * width, count * width);
            chunks[c].order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Bytes per token id needed for a vocabulary: 1 up to 256 ids, 2 up to 65,536, else 4. */
    static int widthFor(int vocabSize) {
        return vocabSize <= 256 ? 1 : vocabSize <= 65_536 ? 2 : 4;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int get(long index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("token " + index + " of " + size);
        MappedByteBuffer b = chunks[(int) (index >>> CHUNK_SHIFT)];
        int at = (int) (index & CHUNK_MASK) * width;
        return switch (width) {
            case 1 -> b.get(at) & 0xFF;
            case 2 -> b.getShort(at) & 0xFFFF;
            default -> b.getInt(at);
        };
    }

    @Override
    public void copy(long from, int[] dst, int off, int len) {
        if (from < 0 || len < 0 || from + len > size) {
            throw new IndexOutOfBoundsException("tokens [" + from + ", " + (from + len) + ") of " + size);
        }
        long i = from;
        int o = off;
        int left = len;
        while (left > 0) {
            MappedByteBuffer b = chunks[(int) (i >>> CHUNK_SHIFT)];
            int within = (int) (i & CHUNK_MASK);
            int n = (int) Math.min(left, (1L << CHUNK_SHIFT) - within);
            switch (width) {
                case 1 -> {
                    for (int k = 0; k < n; k++) dst[o + k] = b.get(within + k) & 0xFF;
                }
                case 2 -> {
                    for (int k = 0; k < n; k++) dst[o + k] = b.getShort((within + k) << 1) & 0xFFFF;
                }
                default -> {
                    for (int k = 0; k < n; k++) dst[o + k] = b.getInt((within + k) << 2);
                }
            }
            i += n;
            o += n;
            left -= n;
        }
    }
}
