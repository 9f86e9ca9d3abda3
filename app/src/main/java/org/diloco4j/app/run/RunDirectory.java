package org.diloco4j.app.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.diloco4j.app.config.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run's folder and the files in it (the contract in docs/run-directory.md). The checkpoint is a
 * folder swapped in whole: written as {@code checkpoint.new/}, then renamed over {@code checkpoint/},
 * so a crash during a save leaves the previous checkpoint intact.
 */
public record RunDirectory(Path dir) {
    /** What a checkpoint records besides the simulation state. */
    /** What resuming needs besides the simulator state: where metrics end, time spent, and progress so far. */
    public record CheckpointMeta(long metricsBytes, double wallSeconds, long outerSteps, long tokens) {
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
        if (Files.exists(dir.resolve("summary.json")) || Files.exists(dir.resolve("checkpoint"))) {
            throw new ConfigException("run directory " + dir + " already holds a run; use --resume " + dir + " or another --out");
        }
        Files.createDirectories(dir);
        return new RunDirectory(dir);
    }

    /** Where a run goes when no --out is given: runs/DATE-TIME-WHAT, e.g. runs/20261129-003602-async-dn-dylu. */
    public static Path defaultPath(String what) {
        return Path.of("runs", java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + what);
    }

    public static RunDirectory existing(Path dir) {
        if (!Files.isRegularFile(dir.resolve("config.toml"))) {
            throw new ConfigException(dir + " is not a run directory (no config.toml)");
        }
        return new RunDirectory(dir);
    }

    /** Saves a checkpoint: {@code state} writes the simulation state; then the meta file; then the swap. */
    public void saveCheckpoint(StateWriter state, CheckpointMeta meta) throws IOException {
        Path next = dir.resolve("checkpoint.new");
        deleteTree(next);
        Files.createDirectories(next);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(next.resolve("state.bin")), 1 << 20)) {
            state.write(out);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metrics_bytes", meta.metricsBytes());
        m.put("wall_seconds", meta.wallSeconds());
        m.put("outer_steps", meta.outerSteps());
        m.put("tokens", meta.tokens());
        Files.write(next.resolve("meta.json"), new ObjectMapper().writeValueAsBytes(m));
        Path old = dir.resolve("checkpoint.old");
        deleteTree(old);
        if (Files.exists(checkpoint())) AtomicFiles.move(checkpoint(), old);
        AtomicFiles.move(next, checkpoint());
        deleteTree(old);
    }

    public CheckpointMeta readMeta() throws IOException {
        Path meta = checkpoint().resolve("meta.json");
        if (!Files.isRegularFile(meta)) throw new ConfigException(dir + " has no checkpoint to resume from (" + meta + " is missing)");
        JsonNode n = new ObjectMapper().readTree(meta.toFile());
        if (!n.has("metrics_bytes") || !n.has("wall_seconds")) throw new IOException(meta + " is incomplete");
        return new CheckpointMeta(n.get("metrics_bytes").asLong(), n.get("wall_seconds").asDouble(), n.path("outer_steps").asLong(),
                n.path("tokens").asLong());
    }

    public InputStream openState() throws IOException {
        return new java.io.BufferedInputStream(Files.newInputStream(checkpoint().resolve("state.bin")), 1 << 20);
    }

    /** Writes the simulation state to a stream. */
    @FunctionalInterface
    public interface StateWriter {
        void write(OutputStream out) throws IOException;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
