package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where an atomically written file's bytes go ({@link AtomicFiles}): written in order, with
 * positioned writes over bytes already written (a checksum filled in last), then forced to disk.
 */
interface FileSink extends WritableByteChannel {
    /** Writes {@code src} over bytes already written, from {@code position} on; the count written. */
    int write(ByteBuffer src, long position) throws IOException;

    /** Every byte written reaches the disk (fsync) before this returns; nothing is written after. */
    void force() throws IOException;

    /** A new file {@code tmp} written through the page cache. */
    static FileSink buffered(Path tmp) throws IOException {
        return of(FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    static FileSink of(FileChannel ch) {
        return new FileSink() {
            public int write(ByteBuffer src) throws IOException {
                return ch.write(src);
            }

            public int write(ByteBuffer src, long position) throws IOException {
                return ch.write(src, position);
            }

            public void force() throws IOException {
                ch.force(true);
            }

            public boolean isOpen() {
                return ch.isOpen();
            }

            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
