package org.diloco4j.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How checkpoint files are opened: with O_DIRECT through aligned buffers ({@link AlignedSink},
 * {@link AlignedSource}; kept from one file to the next in {@code buffers}) in {@link IoMode#DIRECT}, falling back to the page cache wherever the
 * filesystem refuses, never failing a checkpoint for it; through the page cache in
 * {@link IoMode#BUFFERED}. {@code buffers}' size is that of each aligned transfer; up to its depth of
 * them ({@link #DEPTH}, three, for checkpoints) are on their way to or from the disk while the caller
 * fills or drains another.
 */
record CheckpointIo(IoMode mode, DirectOpener opener, BlockSize blocks, AlignedBuffers buffers) {
    /** 16 MiB: the transfer size at which this machine's disk reached 2.1 GB/s written, 1.4 GB/s read (dd, O_DIRECT). */
    static final int BUFFER = 16 << 20;
    /**
     * Transfers under way at once, up to this many (three), while the caller fills or drains one
     * more buffer: with two under way, this machine's disk read and wrote about twice as fast as with
     * one (dd, 2026-12-04); three was not measured against two.
     */
    static final int DEPTH = 3;

    /** The buffers every checkpoint file of this process goes through ({@link #configured}). */
    private static final AlignedBuffers SHARED = new AlignedBuffers(BUFFER, DEPTH);

    /** The threads that wait on the disk while the caller converts and sums (virtual: nothing to shut down). */
    static final ExecutorService THREADS = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("checkpoint-io-", 0).factory());

    private static final System.Logger LOG = System.getLogger(CheckpointIo.class.getName());

    /** With the filesystem's block size and buffers of its own. */
    CheckpointIo(IoMode mode, DirectOpener opener, int buffer, int depth) {
        this(mode, opener, BlockSize.FILESYSTEM, new AlignedBuffers(buffer, depth));
    }

    static CheckpointIo configured() {
        return new CheckpointIo(IoMode.configured(), DirectOpener.SYSTEM, BlockSize.FILESYSTEM, SHARED);
    }

    /** A new file {@code tmp} to write (AtomicFiles' temporary). */
    FileSink create(Path tmp) throws IOException {
        if (mode == IoMode.DIRECT) {
            FileChannel ch = direct(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ));
            if (ch != null) {
                try {
                    DirectChannel out = new DirectChannel(ch, tmp, Set.of(StandardOpenOption.WRITE, StandardOpenOption.READ));
                    return new AlignedSink(out, tmp.toString(), Aligned.of(blocks.of(tmp)), buffers);
                } catch (IOException | RuntimeException e) {
                    abandon(ch, tmp, e);
                }
            }
            // A refusal may come after the file was made (open(2) checks O_DIRECT last).
            Files.deleteIfExists(tmp);
        }
        return FileSink.buffered(tmp);
    }

    /** {@code file} to read. */
    ByteSource.Open open(Path file) throws IOException {
        if (mode == IoMode.DIRECT) {
            FileChannel ch = direct(file, Set.of(StandardOpenOption.READ));
            if (ch != null) {
                try {
                    return new AlignedSource(new DirectChannel(ch, file, Set.of(StandardOpenOption.READ)), file.toString(), Aligned.of(blocks.of(file)), buffers);
                } catch (IOException | RuntimeException e) {
                    abandon(ch, file, e);
                }
            }
        }
        return ByteSource.open(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** {@code file} opened with O_DIRECT, or null where that is refused. */
    private FileChannel direct(Path file, Set<OpenOption> options) throws IOException {
        try {
            return opener.open(file, options);
        } catch (FileAlreadyExistsException | NoSuchFileException | AccessDeniedException e) {
            throw e;   // not about O_DIRECT: buffered would fail the same way
        } catch (IOException | UnsupportedOperationException e) {
            refused(file, e);
            return null;
        }
    }

    /**
     * Closes {@code ch}, opened with O_DIRECT, when what direct I/O needs past the open failed (the
     * filesystem names no usable block size, or the file's size): the file goes buffered instead.
     */
    private static void abandon(FileChannel ch, Path file, Exception e) {
        try {
            ch.close();
        } catch (IOException c) {
            e.addSuppressed(c);
        }
        refused(file, e);
    }

    /** What {@code f}, run on {@link #THREADS}, returned; its exception is this call's ({@code doing} names the work in messages). */
    static <T> T join(Future<T> f, String doing) throws IOException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;   // OutOfMemoryError: as if it happened here
            throw new IOException(doing + " failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new InterruptedIOException("interrupted while " + doing);
        }
    }

    /**
     * Closes {@code ch} once the transfers {@code underWay} are over, whatever became of them: nobody
     * wants their results any more.
     */
    static void close(List<? extends Future<?>> underWay, Closeable ch) throws IOException {
        try {
            settle(underWay);
        } finally {
            ch.close();
        }
    }

    /** Waits for {@code underWay} to be over, whatever became of them. */
    static void settle(List<? extends Future<?>> underWay) throws IOException {
        for (Future<?> f : underWay) {
            try {
                join(f, "closing");
            } catch (IOException | RuntimeException e) {
                // Already failed, or read ahead for nobody: the caller has its own error, or none to give.
            }
        }
    }

    /** The one line a refusal of O_DIRECT leaves (at DEBUG: the checkpoint goes on buffered). */
    static void refused(Path file, Exception e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "O_DIRECT refused for " + file + " (" + e.getMessage() + "): buffered I/O instead");
    }
}
