package org.diloco4j.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the coordinator's spool leaves in a directory: files with names there, and files this process holds open (Linux). */
public final class SpoolFiles {
    private SpoolFiles() {
    }

    /** Spool files with a name in {@code dir}. */
    public static int named(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "push-*.spool")) {
            for (Path ignored : files) n++;
        }
        return n;
    }

    /** Spool files of {@code dir} this process has open, named or unlinked (read from /proc/self/fd). */
    public static int open(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath() + "/push-";
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(prefix)) n++;
                } catch (IOException closedMeanwhile) {
                    // The descriptor was closed while the directory was read.
                }
            }
        }
        return n;
    }

    /** Until the coordinator has spooled part of an upload (a file open or named in {@code dir}), at most 10 s. */
    public static void await(Path dir) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (open(dir) == 0 && named(dir) == 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("nothing spooled within 10 s");
            Thread.sleep(5);
        }
    }

    /** Until no spool file of {@code dir} is open any more, at most 10 s. */
    public static void awaitClosed(Path dir) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (open(dir) > 0) {
            if (System.nanoTime() > deadline) throw new AssertionError(open(dir) + " spool file(s) still open after 10 s");
            Thread.sleep(5);
        }
    }
}
