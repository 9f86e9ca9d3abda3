package org.diloco4j.core.ingest;

/**
 * An encoded message read by position: bytes in memory, or spooled to a file. Immutable once
 * handed over, and safe to read from several threads at once.
 */
public interface EncodedSource {
    long size();

    /**
     * Copies {@code len} bytes from {@code position} into {@code dst[off, off + len)}.
     *
     * @throws java.io.UncheckedIOException if the bytes cannot be read (a spool file lost under the process)
     */
    void read(long position, byte[] dst, int off, int len);

    /**
     * The message's table counts, if they were taken as it arrived ({@link ArrivalCounts}): then
     * {@link StreamedDelta#scan} checks its header and sums its norm from them without reading the
     * blocks. Null (the default): the scan reads every block.
     */
    default BlockHistograms histograms() {
        return null;
    }

    static EncodedSource of(byte[] bytes) {
        return new EncodedSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void read(long position, byte[] dst, int off, int len) {
                System.arraycopy(bytes, Math.toIntExact(position), dst, off, len);
            }
        };
    }
}
