package org.diloco4j.app.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.core.coord.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The default run, shrunk: end to end through the run-directory contract, and resume equality. */
class TrainJobTest {
    static final List<String> SUMMARY_FIELDS = List.of("method", "workers", "outer_steps", "inner_steps", "tokens", "final_eval_loss",
            "final_eval_ppl", "initial_eval_loss", "bytes_up", "bytes_down", "ddp_bytes_equivalent", "simulated_seconds",
            "wall_seconds", "compute_utilization");

    static TrainJob.Outcome run(RunConfig cfg, Path dir, AtomicBoolean stop, TrainJob.Options opts) throws Exception {
        return new TrainJob(RunSetup.build(cfg, s -> { }), RunDirectory.create(dir), opts, stop).start();
    }

    @Test
    void runDirectoryHoldsTheContract(@TempDir Path tmp) throws Exception {
        RunConfig cfg = TinyRuns.config();
        Path dir = tmp.resolve("run");
        TrainJob.Outcome o = run(cfg, dir, new AtomicBoolean(), TrainJob.Options.quiet());
        assertThat(o.finished()).isTrue();

        assertThat(ConfigLoader.load(dir.resolve("config.toml"), List.of())).isEqualTo(cfg);
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        for (String f : SUMMARY_FIELDS) assertThat(summary.has(f)).as("summary.json field %s", f).isTrue();
        assertThat(summary.get("method").asText()).isEqualTo("async-dn-dylu");
        assertThat(summary.get("workers").asInt()).isEqualTo(3);
        assertThat(summary.get("tokens").asLong()).isGreaterThanOrEqualTo(3000);
        assertThat(summary.get("final_eval_loss").asDouble()).isLessThan(summary.get("initial_eval_loss").asDouble());
        assertThat(summary.get("bytes_up").asLong()).isPositive();
        assertThat(summary.get("ddp_bytes_equivalent").asLong()).isGreaterThan(summary.get("bytes_up").asLong());

        Set<String> types = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        JsonNode runStart = null;
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            types.add(n.get("type").asText());
            if (n.get("type").asText().equals("run_start")) runStart = n;
        }
        // Workers that name no shard hold the one of their index, and run_start says so.
        for (int i = 0; i < 3; i++) assertThat(runStart.get("workers").get(i).get("shard").asInt()).isEqualTo(i);
        assertThat(types).contains("run_start", "outer_step", "eval", "train_loss", "segment", "decision");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg").doesNotContain("http://", "https://");
        assertThat(dir.resolve("checkpoint/meta.json")).exists();
        assertThat(ModelFile.read(dir.resolve("model.bin"), o.theta().length)).isEqualTo(o.theta());
        byte[] model = Files.readAllBytes(dir.resolve("model.bin"));
        model[100] ^= 1;
        Files.write(dir.resolve("model.bin"), model);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelFile.read(dir.resolve("model.bin"), o.theta().length))
                .hasMessageContaining("checksum");
    }

    /** Stopped after outer step 4 (as Ctrl-C would), then resumed: the run ends exactly as an uninterrupted one. */
    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) throws Exception {
        RunConfig cfg = TinyRuns.config("checkpoint.every_outer_steps=3");
        TrainJob.Outcome a = run(cfg, tmp.resolve("a"), new AtomicBoolean(), TrainJob.Options.quiet());

        AtomicBoolean stop = new AtomicBoolean();
        TrainJob.Options stopAt4 = new TrainJob.Options(false, TrainJob.Options.quiet().log(), m -> {
            if (m instanceof Metric.OuterStep s && s.step() >= 4) stop.set(true);
        });
        TrainJob.Outcome first = run(cfg, tmp.resolve("b"), stop, stopAt4);
        assertThat(first.finished()).isFalse();
        // The checkpoint knows how far the run got, so a resumed progress line starts there.
        RunDirectory.CheckpointMeta meta = RunDirectory.existing(tmp.resolve("b")).readMeta();
        JsonNode lastStep = null;
        for (String line : Files.readAllLines(tmp.resolve("b/metrics.jsonl"))) {
            JsonNode n = new ObjectMapper().readTree(line);
            if (n.get("type").asText().equals("outer_step")) lastStep = n;
        }
        assertThat(meta.outerSteps()).isEqualTo(lastStep.get("step").asLong());
        assertThat(meta.tokens()).isPositive().isEqualTo(lastStep.get("tokens").asLong());
        TrainJob.Outcome b = TrainJob.resume(RunDirectory.existing(tmp.resolve("b")), TrainJob.Options.quiet(), new AtomicBoolean());
        assertThat(b.finished()).isTrue();

        assertThat(b.theta()).isEqualTo(a.theta());
        assertThat(Files.readString(tmp.resolve("b/metrics.jsonl"))).isEqualTo(Files.readString(tmp.resolve("a/metrics.jsonl")));
        JsonNode sa = new ObjectMapper().readTree(tmp.resolve("a/summary.json").toFile());
        JsonNode sb = new ObjectMapper().readTree(tmp.resolve("b/summary.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) sa).remove("wall_seconds");
        ((com.fasterxml.jackson.databind.node.ObjectNode) sb).remove("wall_seconds");
        assertThat(sb).isEqualTo(sa);
    }
}
