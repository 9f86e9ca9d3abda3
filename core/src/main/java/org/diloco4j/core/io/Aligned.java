package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * What O_DIRECT asks of every transfer: the buffer's address, the file position and the length all
 * multiples of the filesystem's block size.
 */
record Aligned(int block) {
    Aligned {
        if (block <= 0 || Integer.bitCount(block) != 1) throw new IllegalArgumentException("block size " + block + " is not a power of two");
    }

    /** The block size of the filesystem holding {@code file} (which exists). */
    static Aligned of(Path file) throws IOException {
        return of(BlockSize.FILESYSTEM.of(file));
    }

    /** A block of {@code bytes} (capped at 1 MiB); IllegalArgumentException if not a power of two. */
    static Aligned of(long bytes) {
        return new Aligned((int) Math.max(-1, Math.min(bytes, 1 << 20)));
    }

    /** A direct buffer of {@code bytes} (a multiple of the block) at an aligned address. */
    ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocateDirect(bytes + block).alignedSlice(block).slice(0, bytes);
    }

    long down(long at) {
        return at & -block;
    }

    long up(long at) {
        return (at + block - 1) & -block;
    }
}
