package org.diloco4j.app.run;

import org.diloco4j.core.io.AtomicFiles;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.net.coord.FileCheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;


import java.util.stream.Stream;

/**
 * A run's folder and the files in it (the contract in docs/run-directory.md). The checkpoint is a
 * folder swapped in whole: written as {@code checkpoint.new/}, then renamed over {@code checkpoint/},
 * so a crash during a save leaves the previous checkpoint intact.
 */
public record RunDirectory(Path dir) {
    /** File in a networked run's checkpoint folder that names the run directory, so a restart finds it. */
    public static final String RUN_DIR_POINTER = "run-dir";

    /**
     * checkpoint/meta.json, written and read as this one type: what resuming needs besides the
     * simulator state (where metrics end, time spent, and progress so far), with a CRC32C of those
     * values, so a damaged digit (metrics_bytes cuts metrics.jsonl on resume) is refused, not believed.
     */
    public record CheckpointMeta(@JsonProperty(required = true) long metricsBytes, @JsonProperty(required = true) double wallSeconds,
                                 long outerSteps, long tokens, @JsonProperty(required = true) String crc32c) {
        public static CheckpointMeta of(long metricsBytes, double wallSeconds, long outerSteps, long tokens) {
            return new CheckpointMeta(metricsBytes, wallSeconds, outerSteps, tokens, crc(metricsBytes, wallSeconds, outerSteps, tokens));
        }

        /** True if the values are the ones the checksum was made of. */
        boolean intact() {
            return crc(metricsBytes, wallSeconds, outerSteps, tokens).equals(crc32c);
        }

        private static String crc(long metricsBytes, double wallSeconds, long outerSteps, long tokens) {
            java.util.zip.CRC32C c = new java.util.zip.CRC32C();
            c.update(java.nio.ByteBuffer.allocate(32).putLong(metricsBytes).putDouble(wallSeconds).putLong(outerSteps).putLong(tokens).flip());
            return String.format("%08x", c.getValue());
        }

        byte[] toJson() throws IOException {
            return RunJson.MAPPER.writeValueAsBytes(this);
        }

        static CheckpointMeta read(Path file) throws IOException {
            return RunJson.MAPPER.readValue(file.toFile(), CheckpointMeta.class);
        }
    }

    public Path config() {
        return dir.resolve("config.toml");
    }

    public Path metrics() {
        return dir.resolve("metrics.jsonl");
    }

    public Path summary() {
        return dir.resolve("summary.json");
    }

    public Path report() {
        return dir.resolve("report.html");
    }

    /** The final global θ (see {@link ModelFile}). */
    public Path model() {
        return dir.resolve("model.bin");
    }

    public Path checkpoint() {
        return dir.resolve("checkpoint");
    }

    public static RunDirectory create(Path dir) throws IOException {
        requireFree(dir);
        Files.createDirectories(dir);
        return new RunDirectory(dir);
    }

    /** Checks that a new run can go to {@code dir} (absent, or a folder without a run), without touching it. */
    public static void requireFree(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw UserError.usage(dir + " is a file, not a folder", "choose another --out");
        }
        if (Files.exists(dir.resolve("summary.json"))) {
            throw new ConfigException("run directory " + dir + " already holds a finished run; choose another --out");
        }
        Path checkpoint = dir.resolve("checkpoint");
        if (networkedRunIn(checkpoint)) {
            throw new ConfigException("run directory " + dir + " holds a networked run; continue it with the 'diloco coordinator' command "
                    + "that started it (--out " + dir + "), or choose another --out");
        }
        // An empty checkpoint folder is a start killed before it wrote anything there: nothing to keep.
        if (Files.isDirectory(checkpoint) && !isEmpty(checkpoint)) {
            throw new ConfigException("run directory " + dir + " already holds a run; continue it with 'diloco train --resume " + dir
                    + "', or choose another --out");
        }
    }

    /**
     * True if a coordinator made this checkpoint folder for a run: it holds a checkpoint, or at least
     * the name of the run's directory, written as the run starts. The same command then continues that run.
     */
    public static boolean networkedRunIn(Path ckptDir) {
        return ckptDir != null && (Files.isRegularFile(ckptDir.resolve(RUN_DIR_POINTER))
                || Files.isRegularFile(new FileCheckpointStore(ckptDir).file()));
    }

    private static boolean isEmpty(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Where a run goes when no --out is given: runs/DATE-TIME-WHAT, e.g. runs/20261129-003602-async-dn-dylu. */
    public static Path defaultPath(String what) {
        return Path.of("runs", java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + what);
    }

    /** A directory a run wrote, recognised by its config.toml. */
    public static RunDirectory existing(Path dir) {
        if (!Files.isRegularFile(dir.resolve("config.toml"))) {
            String what = !Files.exists(dir) ? " does not exist" : !Files.isDirectory(dir) ? " is a file, not a run directory"
                    : " is not a run directory (it has no config.toml)";
            throw UserError.usage(dir + what, "give the folder a 'train', 'compare' or 'coordinator' run wrote (e.g. runs/<time>-<method>)");
        }
        return new RunDirectory(dir);
    }

    /** Saves a checkpoint: {@code state} writes the simulation state; then the meta file; then the swap. */
    public void saveCheckpoint(StateWriter state, CheckpointMeta meta) throws IOException {
        Path next = dir.resolve("checkpoint.new");
        deleteTree(next);
        Files.createDirectories(next);
        state.write(next.resolve("state.bin"));
        AtomicFiles.write(next.resolve("meta.json"), meta.toJson());
        Path old = dir.resolve("checkpoint.old");
        deleteTree(old);
        if (Files.exists(checkpoint())) AtomicFiles.move(checkpoint(), old);
        AtomicFiles.move(next, checkpoint());
        deleteTree(old);
    }

    public CheckpointMeta readMeta() {
        Path meta = checkpoint().resolve("meta.json");
        if (Files.isRegularFile(new FileCheckpointStore(checkpoint()).file())) {
            throw UserError.usage(dir + " is a networked run: its checkpoint is a coordinator's",
                    "resume it by running its 'diloco coordinator ... --out " + dir + "' command again");
        }
        if (!Files.isRegularFile(meta)) {
            throw UserError.usage(dir + " has no checkpoint to resume from (" + meta + " is missing)",
                    rerunHint());
        }
        CheckpointMeta m;
        try {
            m = CheckpointMeta.read(meta);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw unresumable(meta + " is incomplete", e);
        } catch (IOException e) {
            throw unresumable(meta + " is not valid JSON", e);
        }
        if (!m.intact()) throw unresumable(meta + " fails its checksum: it is damaged", null);
        return m;
    }

    /** A checkpoint that cannot be resumed from: what is wrong with it, and how to get the run going again. */
    public UserError unresumable(String problem, Throwable cause) {
        return UserError.failed("cannot resume " + dir + " from its checkpoint: " + problem, rerunHint(), cause);
    }

    /** What to do when this run's saved state is lost: the same run from the start, elsewhere. */
    public String rerunHint() {
        return "run it again with ./diloco train --config " + config() + " --out NEW_DIR";
    }

    /** The checkpoint's simulation state (a {@code CheckpointFile}). */
    public Path state() {
        return checkpoint().resolve("state.bin");
    }

    /** Writes the simulation state to a file, atomically. */
    @FunctionalInterface
    public interface StateWriter {
        void write(Path file) throws IOException;
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
