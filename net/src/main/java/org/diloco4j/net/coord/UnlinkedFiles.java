package org.diloco4j.net.coord;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Temporary files that have no name while they are used: created, opened and unlinked at once, so
 * the open channel alone keeps the data (Linux) and nothing is left on disk however the process
 * ends, {@code kill -9} included; closing the channel frees the space. The name lives only for the
 * instant between creating and opening; {@link #sweep} removes what such an instant left.
 * Used by the upload {@link Spool} and the θ snapshot files ({@link FileSnapshots}).
 */
final class UnlinkedFiles {
    private UnlinkedFiles() {
    }

    /** A new file in {@code dir}, open for reading and writing, already unlinked; on failure nothing is left behind. */
    static FileChannel create(Path dir, String prefix, String suffix) throws IOException {
        Path file = Files.createTempFile(dir, prefix, suffix);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                // deleteIfExists: a sweep of another process sharing the directory may have got there first.
                Files.deleteIfExists(file);
            } catch (IOException | RuntimeException e) {
                closeAfter(channel, e);
                throw e;
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** Deletes the files named {@code prefix*suffix} in {@code dir}; returns how many. */
    static int sweep(Path dir, String prefix, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*" + suffix)) {
            for (Path f : files) if (Files.isRegularFile(f) && Files.deleteIfExists(f)) n++;
        }
        return n;
    }

    /** Closes {@code channel}, a failure to do so added to {@code cause}. */
    static void closeAfter(FileChannel channel, Exception cause) {
        try {
            channel.close();
        } catch (IOException again) {
            cause.addSuppressed(again);
        }
    }
}
