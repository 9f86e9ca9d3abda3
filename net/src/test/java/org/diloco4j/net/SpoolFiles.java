package org.diloco4j.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the coordinator's spool leaves in a directory: files with names there, and files this process holds open (Linux),
 * written by an upload or kept idle for the next one.
 */
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
        return positions(dir).size();
    }

    /**
     * The file positions of the spool files of {@code dir} this process has open (/proc/self/fd and fdinfo): an upload
     * writing one has moved it past 0; a file the spool keeps idle for the next upload sits at 0.
     */
    private static List<Long> positions(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath() + "/push-";
        List<Long> at = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (!Files.readSymbolicLink(fd).toString().startsWith(prefix)) continue;
                    String info = Files.readString(Path.of("/proc/self/fdinfo", fd.getFileName().toString()));
                    at.add(Long.parseLong(info.lines().filter(l -> l.startsWith("pos:")).findFirst().orElseThrow().substring(4).strip()));
                } catch (IOException closedMeanwhile) {
                    // The descriptor was closed while the directory was read.
                }
            }
        }
        return at;
    }

    /** Until an upload has spooled part of itself into a file of {@code dir} (one named there, or open past position 0), at most 10 s. */
    public static void await(Path dir) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (positions(dir).stream().allMatch(p -> p == 0) && named(dir) == 0) {
            if (System.nanoTime() > deadline) throw new AssertionError("nothing spooled within 10 s");
            Thread.sleep(5);
        }
    }

    /** Until no upload holds a spool file of {@code dir} (each open one is idle, at position 0), at most 10 s. */
    public static void awaitIdle(Path dir) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (positions(dir).stream().anyMatch(p -> p != 0)) {
            if (System.nanoTime() > deadline) throw new AssertionError("a spool file of " + dir + " still written or read after 10 s");
            Thread.sleep(5);
        }
    }
}
