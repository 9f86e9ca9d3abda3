package org.diloco4j.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Positioned reads of a file or of bytes in memory, with long positions: what the safetensors and
 * checkpoint readers read from, so that a file over 2 GiB is never one array.
 */
interface ByteSource {
    long size() throws IOException;

    /** Fills {@code dst} from {@code position} on; EOFException if the source ends first. */
    void read(long position, ByteBuffer dst) throws IOException;

    /** {@code length} bytes at {@code position} in a new little-endian heap buffer (for headers). */
    default ByteBuffer bytes(long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        read(position, b);
        return b.flip();
    }

    /** A source that holds a file open until closed. */
    interface Open extends ByteSource, java.io.Closeable {
    }

    /** {@code ch}, read through the page cache, closed with the source. */
    static Open open(FileChannel ch) {
        ByteSource s = of(ch);
        return new Open() {
            public long size() throws IOException {
                return s.size();
            }

            public void read(long position, ByteBuffer dst) throws IOException {
                s.read(position, dst);
            }

            public void close() throws IOException {
                ch.close();
            }
        };
    }

    static ByteSource of(FileChannel ch) {
        return new ByteSource() {
            public long size() throws IOException {
                return ch.size();
            }

            public void read(long position, ByteBuffer dst) throws IOException {
                long at = position;
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, at);
                    if (n < 0) throw new EOFException("end of file at byte " + at);
                    at += n;
                }
            }
        };
    }

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            public long size() {
                return bytes.length;
            }

            public void read(long position, ByteBuffer dst) throws IOException {
                if (position + dst.remaining() > bytes.length) throw new EOFException("end of data at byte " + bytes.length);
                dst.put(bytes, (int) position, dst.remaining());
            }
        };
    }
}
