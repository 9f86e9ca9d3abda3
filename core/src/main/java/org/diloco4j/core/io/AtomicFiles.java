package org.diloco4j.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that never leave a half-written file behind, even across a power cut: write a temporary
 * sibling, force it to disk, rename it over the target, then force the directory so the rename
 * itself is durable. Every writer of checkpoints and run files goes through here.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What goes into a file, written to a stream: for contents too large to hold as one array. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** What goes into a file, written to its sink (positioned writes allowed, e.g. to fill in a checksum last). */
    @FunctionalInterface
    interface SinkContent {
        void writeTo(FileSink sink) throws IOException;
    }

    /** Makes the temporary file a write goes to (buffered, or with O_DIRECT: {@link CheckpointIo}). */
    @FunctionalInterface
    interface Sinks {
        FileSink create(Path tmp) throws IOException;
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, out -> out.write(bytes));
    }

    public static void write(Path file, Content content) throws IOException {
        write(file, FileSink::buffered, sink -> {
            OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(sink), 1 << 16);
            content.writeTo(out);
            out.flush();
        });
    }

    /** Writes {@code file} through a sink from {@code sinks}: a temporary sibling, forced to disk, renamed over {@code file}. */
    static void write(Path file, Sinks sinks, SinkContent content) throws IOException {
        // A fresh name, so two writers never share a temporary; not Files.createTempFile, whose
        // owner-only permissions would stick to the file after the rename.
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (FileSink sink = sinks.create(tmp)) {
                content.writeTo(sink);
                sink.force();
            }
            move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code from} over {@code to} (a file or a directory), then forces the directory. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(to.toAbsolutePath().getParent());
    }

    /** Forces a directory's entries to disk; a no-op where the platform cannot open a directory (Windows). */
    private static void syncDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort: the rename is atomic either way; only its durability across a crash is weaker.
        }
    }
}
