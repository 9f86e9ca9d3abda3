package org.diloco4j.net.coord;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where uploads wait until the coordinator applies them: in memory up to {@code memoryBytes} per
 * member — summed over all its uploads in flight, so a member costs at most that much heap
 * whatever the model's size or how many pushes it may have in flight — the rest in a temporary
 * file in {@code dir}.
 *
 * <p>A spool file is unlinked as soon as it is opened: its open channel keeps the data readable
 * (Linux), and nothing is left on disk however the coordinator ends, {@code kill -9} included.
 * The name lives only for the instant between creating and opening it; {@link #sweep} removes
 * what such an instant (or an older coordinator) left.
 *
 * <p>Set with the system properties {@value #DIR_PROPERTY} (default: {@code java.io.tmpdir}) and
 * {@value #MEMORY_PROPERTY} (bytes per member; default 64 MiB).
 */
final class Spool {
    static final String DIR_PROPERTY = "diloco.spool.dir";
    static final String MEMORY_PROPERTY = "diloco.spool.memory";
    static final long DEFAULT_MEMORY = 64L << 20;
    static final String PREFIX = "push-";
    static final String SUFFIX = ".spool";

    private final Path dir;
    private final long memoryBytes;
    /** Bytes of the allowance each member's uploads hold now (absent: none). */
    private final Map<Object, Long> held = new ConcurrentHashMap<>();

    Spool(Path dir, long memoryBytes) {
        if (memoryBytes < 0) throw new IllegalArgumentException("spool memory allowance must be >= 0 bytes, got " + memoryBytes);
        this.dir = dir;
        this.memoryBytes = memoryBytes;
    }

    /** From the system properties, as the service reads them when it starts. */
    static Spool fromSystem() {
        String dir = System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        String memory = System.getProperty(MEMORY_PROPERTY);
        long bytes;
        try {
            bytes = memory == null ? DEFAULT_MEMORY : Long.parseLong(memory.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MEMORY_PROPERTY + " must be a whole number of bytes, got '" + memory + "'");
        }
        return new Spool(Path.of(dir), bytes);
    }

    /** Whether the directory was named for the coordinator ({@value #DIR_PROPERTY}), not the shared temporary one. */
    static boolean ownDirectory() {
        return System.getProperty(DIR_PROPERTY) != null;
    }

    Path dir() {
        return dir;
    }

    /** Takes up to {@code want} bytes of {@code member}'s allowance; returns how many it got (what its other uploads leave). */
    long take(Object member, long want) {
        long[] got = new long[1];
        held.compute(member, (k, used) -> {
            long u = used == null ? 0 : used;
            got[0] = Math.max(0, Math.min(want, memoryBytes - u));
            return u + got[0] == 0 ? null : u + got[0];
        });
        return got[0];
    }

    /** Gives back {@code bytes} that {@link #take} gave {@code member}. */
    void giveBack(Object member, long bytes) {
        if (bytes == 0) return;
        held.computeIfPresent(member, (k, used) -> used - bytes <= 0 ? null : used - bytes);
    }

    /** Bytes of {@code member}'s allowance its uploads hold now. */
    long held(Object member) {
        return held.getOrDefault(member, 0L);
    }

    /** A new spool file, open for reading and writing, already unlinked; on failure nothing is left behind. */
    FileChannel open() throws IOException {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, PREFIX, SUFFIX);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            // deleteIfExists: a sweep of another coordinator sharing the directory may have got there first.
            Files.deleteIfExists(file);
            return channel;
        } catch (IOException | RuntimeException e) {
            if (channel != null) close(channel, e);
            try {
                Files.deleteIfExists(file);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    private static void close(FileChannel channel, Exception cause) {
        try {
            channel.close();
        } catch (IOException again) {
            cause.addSuppressed(again);
        }
    }

    /**
     * Deletes the spool files left in the directory (by a coordinator killed between creating one
     * and unlinking it, or by an older version that unlinked them only when done); returns how many.
     * Safe while another coordinator uses the directory: its files have no names (one caught in its
     * instant fails to open, and the worker retries that upload).
     */
    int sweep() throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path f : files) if (Files.isRegularFile(f) && Files.deleteIfExists(f)) n++;
        }
        return n;
    }
}
