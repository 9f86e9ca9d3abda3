package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.params.Fp32Vector;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Snapshots in files of the spool directory, written piece by piece as θ is encoded
 * ({@link ThetaPieces}) and read back by pulls with positional reads ({@link FileChannel#read(ByteBuffer, long)},
 * not a mapping: mapped pages would count in the process's resident set). The file's pages live in
 * the OS page cache, which the kernel may write out and evict under memory pressure; the heap holds
 * only one encoded piece while writing and the chunk each pull is sending. The price: one copy
 * through the kernel per byte written and per byte sent, and a pull may read from the disk when
 * the kernel evicted the pages — still far faster than the WAN link the pull feeds.
 *
 * <p>Files are unlinked as soon as they are opened ({@link UnlinkedFiles}): releasing a snapshot
 * closes its channel, which frees the space, and a coordinator that is killed leaves nothing behind.
 */
final class FileSnapshots implements SnapshotStorage {
    static final String PREFIX = "theta-";
    static final String SUFFIX = ".snap";
    /** What writing holds on the heap: one encoded piece (fp32, the widest downlink codec, plus its header). */
    static final long HEAP_BYTES = 4L * ThetaPieces.PIECE_VALUES + 64;

    /** The storage's writes and reads; a test's fake fails them (a full disk, a bad sector). */
    interface Disk {
        int write(FileChannel channel, ByteBuffer from, long position) throws IOException;

        default int read(FileChannel channel, ByteBuffer into, long position) throws IOException {
            return channel.read(into, position);
        }
    }

    private final Path dir;
    private final Disk disk;

    FileSnapshots(Path dir, Disk disk) {
        this.dir = dir;
        this.disk = disk;
    }

    /**
     * Snapshot files in {@code dir}, created if need be and checked writable now (a bad directory is
     * one line at start, not a failed pull later); {@code own}: the files an earlier coordinator
     * left there are deleted first (never in a shared directory such as the system's temporary one).
     *
     * @throws IOException naming the directory and what to do
     */
    static FileSnapshots open(Path dir, boolean own) throws IOException {
        FileSnapshots f = new FileSnapshots(dir, FileChannel::write);
        try {
            Files.createDirectories(dir);
            if (own) UnlinkedFiles.sweep(dir, PREFIX, SUFFIX);
            UnlinkedFiles.create(dir, PREFIX, SUFFIX).close();
        } catch (IOException e) {
            throw f.failure(e);
        }
        return f;
    }

    @Override
    public SnapshotBytes write(Codec codec, Fp32Vector values) throws IOException {
        FileChannel channel;
        try {
            channel = UnlinkedFiles.create(dir, PREFIX, SUFFIX);
        } catch (IOException e) {
            throw failure(e);
        }
        try {
            long[] at = {0};
            // Summed from the encoder's bytes on the heap as they go to the file, not read back from it.
            CRC32C crc = new CRC32C();
            ThetaPieces.encode(codec, values, ThetaPieces.PIECE_VALUES, (b, off, len) -> {
                crc.update(b, off, len);
                ByteBuffer from = ByteBuffer.wrap(b, off, len);
                while (from.hasRemaining()) at[0] += disk.write(channel, from, at[0]);
            });
            return new Bytes(channel, at[0], (int) crc.getValue(), disk);
        } catch (IOException e) {
            IOException f = failure(e);
            UnlinkedFiles.closeAfter(channel, f);
            throw f;
        } catch (RuntimeException e) {
            UnlinkedFiles.closeAfter(channel, e);
            throw e;
        }
    }

    /** One line: the directory, what went wrong, and where else snapshots may go. */
    private IOException failure(IOException e) {
        return new IOException("could not write θ snapshots to " + dir + ": " + (e.getMessage() != null ? e.getMessage() : e)
                + "; free space there or give the coordinator another spool directory (-D" + SpoolOptions.DIR_PROPERTY + "=DIR in "
                + MemoryBound.JAVA_OPTS + ")", e);
    }

    /** A written snapshot: its open (nameless) file, its length and the CRC32C of what was written. */
    private record Bytes(FileChannel channel, long length, int crc32c, Disk disk) implements SnapshotBytes {
        @Override
        public ByteString slice(long offset, int n) throws IOException {
            byte[] b = new byte[n];
            read(ByteBuffer.wrap(b), offset);
            // A fresh array nobody else has: wrapping it without a copy is safe.
            return UnsafeByteOperations.unsafeWrap(b);
        }

        /**
         * Reads with the thread's interrupt status cleared, and sets it again afterwards: an
         * interrupted thread's read would close the channel (ClosedByInterruptException), which
         * every pull of the snapshot shares. An interrupt that lands during the read still does;
         * the read fails, the store marks the snapshot broken and encodes it again for the next pull.
         */
        private void read(ByteBuffer into, long offset) throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                while (into.hasRemaining()) {
                    int r = disk.read(channel, into, offset + into.position());
                    if (r < 0) throw new EOFException("θ snapshot file ends at " + (offset + into.position()) + " of " + length + " bytes");
                }
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
        }

        @Override
        public void release() {
            try {
                channel.close();
            } catch (IOException e) {
                // The file has no name; closing is all there is to do, and a failed close frees it at exit.
            }
        }
    }
}
