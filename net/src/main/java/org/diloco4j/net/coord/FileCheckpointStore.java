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
 * over, the folder forced) and as a stream: θ and the outer optimizers' buffers go from their arrays to
 * the file in chunks, so no array of the whole file is made and a state over 2 GiB is saved. Loading
 * checks the format, version and the checksum over the whole file, scalars included, once, before
 * anything in it is used, then reads the arrays chunk by chunk — θ and the optimizers' buffers
 * straight into the form the network runtime holds θ in ({@link ThetaForm}: chunks past 2^29 values,
 * where one array would take the Delayed Nesterov kernel's slower loops; read into chunks directly,
 * as a copy into chunks would hold θ twice). The file's format does not depend on θ's chunks: θ is one
 * tensor either way, so a checkpoint written before θ was chunked is read the same.
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
        CheckpointFile.write(file(), CheckpointFile.Kind.COORDINATOR, c.state(), Map.of(RuntimeState.MARK, Long.toString(c.mark()),
                RuntimeState.OUTER_STEPS, Long.toString(c.outerSteps()), RuntimeState.CLOCK, Double.toString(c.clock())));
    }

    @Override
    public Optional<Checkpoint> load() throws IOException {
        Path f = file();
        if (!Files.isRegularFile(f)) return Optional.empty();
        String what = f.toString();
        try (CheckpointFile.Reader r = CheckpointFile.open(f, what, CheckpointFile.Kind.COORDINATOR)) {
            Scalars s = Scalars.of(r.scalars(), what);
            return Optional.of(s.with(r.state(RuntimeState.State.class, ThetaForm.readShift(r.numel(CheckpointFile.THETA)))));
        }
    }

    /** A checkpoint file's bytes held in memory, checked likewise; {@code what} names it in errors. */
    public static Checkpoint read(byte[] bytes, String what) throws IOException {
        CheckpointFile.Contents<RuntimeState.State> c = CheckpointFile.read(bytes, what, CheckpointFile.Kind.COORDINATOR, RuntimeState.State.class);
        return Scalars.of(c.scalars(), what).with(c.state());
    }

    /** The checkpoint's own scalars, readable before its state. */
    private record Scalars(long mark, long outerSteps, double clock) {
        static Scalars of(Map<String, String> s, String what) throws IOException {
            try {
                return new Scalars(Long.parseLong(s.get(RuntimeState.MARK)), Long.parseLong(s.get(RuntimeState.OUTER_STEPS)),
                        Double.parseDouble(s.get(RuntimeState.CLOCK)));
            } catch (NullPointerException | NumberFormatException e) {
                throw new IOException(what + " lacks its mark, outer steps or clock: it is damaged");
            }
        }

        Checkpoint with(RuntimeState.State state) {
            return new Checkpoint(state, mark, outerSteps, clock);
        }
    }
}
