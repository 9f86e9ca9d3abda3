package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;

import java.io.IOException;

/**
 * The bytes of one encoded θ snapshot, complete: only a finished {@link SnapshotStorage#write}
 * returns one, so a pull can never read a snapshot still being written. Read by pulls on the
 * transport's threads while the snapshot is pinned; released by the event loop once nothing uses it.
 */
interface SnapshotBytes {
    long length();

    /** {@code n} bytes from {@code offset}, for one chunk of a pull (a slice, or a copy read from the file). */
    ByteString slice(long offset, int n) throws IOException;

    /**
     * CRC32C of the bytes as they were written, computed from the encoder's output on the way to
     * the storage: it vouches for what θ encoded to, so bytes that change afterwards (a bad disk, a
     * page read back wrong) no longer match it, and the worker refuses them. Not read back from a
     * file. Heap bytes sum it when first asked for (off the event loop); that fails once they are released.
     */
    int crc32c() throws IOException;

    /** Lets go of the bytes (the heap array, or the file and its disk space); reads fail afterwards. */
    void release();
}
