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
        assertThat(Files.readString(tmp.resolve("b/report.html"))).contains("Run stopped with a checkpoint.")
                .contains("diloco train --resume b").doesNotContain("http-equiv=\"refresh\"");
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
        // Identical but for the measured throughput, which is the host's, not the run's.
        assertThat(withoutThroughput(tmp.resolve("b/metrics.jsonl"))).isEqualTo(withoutThroughput(tmp.resolve("a/metrics.jsonl")));
        JsonNode sa = new ObjectMapper().readTree(tmp.resolve("a/summary.json").toFile());
        JsonNode sb = new ObjectMapper().readTree(tmp.resolve("b/summary.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) sa).remove("wall_seconds");
        ((com.fasterxml.jackson.databind.node.ObjectNode) sb).remove("wall_seconds");
        assertThat(sb).isEqualTo(sa);
    }

    static List<String> withoutThroughput(Path metrics) throws Exception {
        return Files.readAllLines(metrics).stream().map(l -> l.replaceAll(",\"tokens_per_second\":[^,}]*", "")).toList();
    }

    /**
     * While the run goes, report.html is there and says so; every train-loss sample carries the
     * learning rate of the schedule at its step, a pre-clip gradient norm and a throughput; the
     * end records samples from the final model and bits per byte.
     */
    @Test
    void runRecordsOptimizerFiguresSamplesAndBitsPerByteAndIsWatchable(@TempDir Path tmp) throws Exception {
        RunConfig cfg = TinyRuns.config("report.sample_tokens=24", "method=diloco");
        Path dir = tmp.resolve("run");
        List<String> whileRunning = new java.util.ArrayList<>();
        TrainJob.Options watch = new TrainJob.Options(false, TrainJob.Options.quiet().log(), m -> {
            if (m instanceof Metric.OuterStep && whileRunning.isEmpty() && Files.exists(dir.resolve("report.html"))) {
                try {
                    whileRunning.add(Files.readString(dir.resolve("report.html")));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        RunSetup setup = RunSetup.build(cfg, s -> { });
        TrainJob.Outcome o = new TrainJob(setup, RunDirectory.create(dir), watch, new AtomicBoolean()).start();
        assertThat(o.finished()).isTrue();
        assertThat(dir.resolve("summary.json")).exists();
        assertThat(whileRunning).as("report.html written before the run ended").hasSize(1);
        assertThat(whileRunning.get(0)).contains("Run in progress.").contains("http-equiv=\"refresh\"");
        assertThat(Files.readString(dir.resolve("report.html"))).doesNotContain("Run in progress").contains("Samples from the final model");

        ObjectMapper json = new ObjectMapper();
        org.diloco4j.model.train.TrainerConfig tc = setup.trainer();
        int trainLosses = 0;
        double maxNorm = 0;
        List<JsonNode> samples = new java.util.ArrayList<>();
        JsonNode lastEval = null;
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            switch (n.get("type").asText()) {
                case "train_loss" -> {
                    trainLosses++;
                    long step = n.get("step").asLong();
                    // Equal workers in lockstep: the run's clock is k × each worker's own step counter,
                    // so the schedule is at each worker's own step (run tokens / (k × batch × context)).
                    assertThat(n.get("lr").asDouble()).as(line)
                            .isCloseTo(tc.adamw().lr() * tc.schedule().multiplier(step - 1), org.assertj.core.data.Offset.offset(1e-12));
                    assertThat(n.get("grad_norm").asDouble()).as(line).isPositive().isLessThan(1e3);
                    maxNorm = Math.max(maxNorm, n.get("grad_norm").asDouble());
                    assertThat(n.get("tokens_per_second").asDouble()).as(line).isPositive().isLessThan(1e9);
                }
                case "sample" -> samples.add(n);
                case "eval" -> lastEval = n;
                default -> { }
            }
        }
        assertThat(trainLosses).isGreaterThan(3);
        // Before clipping: a fresh model's gradients exceed the clip of 1 at first.
        assertThat(maxNorm).isGreaterThan(tc.gradClip());
        assertThat(samples).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(samples.get(i).get("prompt").asText()).isEqualTo("Mr President, ");
            assertThat(samples.get(i).get("seed").asLong()).isEqualTo(cfg.lng("seed") + i);
            assertThat(samples.get(i).get("text").asText()).isNotEmpty();
        }
        // Byte tokens: bits per byte is the loss in bits.
        assertThat(lastEval.get("bpb").asDouble()).isCloseTo(lastEval.get("loss").asDouble() / Math.log(2),
                org.assertj.core.data.Offset.offset(1e-12));
        JsonNode summary = json.readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.get("final_eval_bpb").asDouble()).isEqualTo(lastEval.get("bpb").asDouble());
        assertThat(summary.get("initial_eval_bpb").asDouble()).isGreaterThan(summary.get("final_eval_bpb").asDouble());
    }
}
