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

    /** CRC32C of all the bytes (a pass over them: called off the event loop). */
    int crc32c() throws IOException;

    /** Lets go of the bytes (the heap array, or the file and its disk space); reads fail afterwards. */
    void release();
}
