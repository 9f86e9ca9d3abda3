package org.diloco4j.net.coord;

import org.diloco4j.core.io.AtomicFiles;
import org.diloco4j.core.io.CheckpointFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints as one file, {@code coordinator.ckpt}: the checkpoint format both drivers share
 * ({@link CheckpointFile}, kind {@code coordinator}), whose metadata also carries the mark, the
 * outer steps and the clock. Written atomically ({@link AtomicFiles}: the file forced to disk, renamed
 * over, the folder forced); loading checks the format, version and the checksum over the whole file,
 * scalars included, before anything in it is used.
 */
public final class FileCheckpointStore implements CheckpointStore {
    static final String FILE = "coordinator.ckpt";

    private final Path dir;

    public FileCheckpointStore(Path dir) {
        this.dir = dir;
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    @Override
    public void save(Checkpoint c) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(file(), c.state());
    }

    @Override
    public Optional<Checkpoint> load() throws IOException {
        Path f = file();
        if (!Files.isRegularFile(f)) return Optional.empty();
        return Optional.of(read(Files.readAllBytes(f), f.toString()));
    }

    /** A checkpoint file's bytes, checked (format, version, the checksum over the whole file); {@code what} names it in errors. */
    public static Checkpoint read(byte[] bytes, String what) throws IOException {
        Map<String, String> s = CheckpointFile.scalars(bytes, what, CheckpointFile.Kind.COORDINATOR);
        try {
            return new Checkpoint(bytes, Long.parseLong(s.get(RuntimeState.MARK)), Long.parseLong(s.get(RuntimeState.OUTER_STEPS)),
                    Double.parseDouble(s.get(RuntimeState.CLOCK)));
        } catch (NullPointerException | NumberFormatException e) {
            throw new IOException(what + " lacks its mark, outer steps or clock: it is damaged");
        }
    }
}
