package org.diloco4j.app.report;

import org.diloco4j.core.coord.DecisionKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.diloco4j.app.run.Sample;
import org.diloco4j.app.run.Summary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.diloco4j.app.run.RunStart.WorkerProfile;
import org.diloco4j.core.coord.Metric.Decision;
import org.diloco4j.core.coord.Metric.Eval;
import org.diloco4j.core.coord.Metric.OuterStep;
import org.diloco4j.core.coord.Metric.TrainLoss;
import org.diloco4j.core.run.Segment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The summary example of docs/run-directory.md, with numbers filled in. */
    static final String SUMMARY = """
            {
              "method": "async-dn-dylu", "workers": 2, "model_params": 3263232,
              "outer_steps": 412, "inner_steps": 6100, "tokens": 12492800,
              "initial_eval_loss": 5.55, "final_eval_loss": 2.41, "final_eval_ppl": 11.1,
              "initial_eval_bpb": 8.007, "final_eval_bpb": 3.477,
              "bytes_up": 1.2e9, "bytes_down": 1300000000, "ddp_bytes_equivalent": 4.1e11,
              "simulated_seconds": 3600.0, "wall_seconds": 512.3, "compute_utilization": 0.91,
              "stop_reason": "token budget of 12000000 reached (12492800)",
              "staleness_histogram": {"0": 100, "1": 250, "2": 62},
              "worker_stats": [
                {"name":"tokyo","compute_seconds":3000.5,"communicate_seconds":200,"idle_seconds":99.5,
                 "utilization":0.909,"steps":5000,"tokens":10240000,"bytes_up":600000000,"bytes_down":650000000},
                {"name":"nairobi","compute_seconds":3100,"communicate_seconds":400,"idle_seconds":0,
                 "utilization":0.886,"steps":1100,"tokens":2252800,"bytes_up":600000000,"bytes_down":650000000}
              ]
            }
            """;

    /** One line of every type of docs/run-directory.md. */
    static final List<String> METRICS = List.of(
            "{\"type\":\"run_start\",\"method\":\"async-dn-dylu\",\"clock\":\"simulated\",\"model_params\":3263232,\"workers\":["
                    + "{\"name\":\"tokyo\",\"seconds_per_step\":0.58,\"up_mbps\":50,\"down_mbps\":200,\"latency_ms\":120,\"shard\":0},"
                    + "{\"name\":\"nairobi\",\"seconds_per_step\":3.33,\"up_mbps\":10,\"down_mbps\":40,\"latency_ms\":250,\"shard\":1}]}",
            "{\"type\":\"outer_step\",\"time\":12.5,\"step\":3,\"version\":3,\"fragment\":0,\"contributors\":[0],"
                    + "\"staleness\":[2],\"weights\":[1.0],\"members\":4,\"tokens\":81920,\"bytes_up\":1000,\"bytes_down\":2000,\"delta_norm\":0.41}",
            "{\"type\":\"decision\",\"time\":13.0,\"kind\":\"drop\",\"member\":1,\"reason\":\"w1#2 late: trained from v1\"}",
            "{\"type\":\"eval\",\"time\":20.0,\"tokens\":163840,\"version\":6,\"loss\":3.91,\"ppl\":49.9,\"bpb\":5.641,\"bytes_up\":3000,\"bytes_down\":4000}",
            "{\"type\":\"train_loss\",\"time\":19.7,\"worker\":\"tokyo\",\"step\":120,\"loss\":4.02,\"lr\":0.002,"
                    + "\"grad_norm\":0.83,\"tokens_per_second\":5210.5}",
            "{\"type\":\"sample\",\"time\":30.0,\"version\":6,\"index\":0,\"prompt\":\"Mr President, \","
                    + "\"text\":\"the vote\\nwill take place.\",\"tokens\":200,\"seed\":42,\"temperature\":0.8,\"top_k\":40}",
            "{\"type\":\"segment\",\"worker\":\"tokyo\",\"kind\":\"compute\",\"start\":1.2,\"end\":12.8}",
            "{\"type\":\"decision\",\"time\":30.0,\"kind\":\"stop\",\"member\":-1,\"reason\":\"budget\"}");

    static Path writeRun(Path dir, String summary, List<String> lines) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.json"), summary);
        Files.writeString(dir.resolve("metrics.jsonl"), String.join("\n", lines) + "\n");
        return dir;
    }

    @Test
    void readsEveryFieldOfTheContract(@TempDir Path tmp) throws Exception {
        RunData run = RunData.read(writeRun(tmp.resolve("run"), SUMMARY, METRICS));

        Summary s = run.summary();
        assertThat(s.method()).isEqualTo("async-dn-dylu");
        assertThat(s.workers()).isEqualTo(2);
        assertThat(s.modelParams()).isEqualTo(3263232L);
        assertThat(s.outerSteps()).isEqualTo(412);
        assertThat(s.innerSteps()).isEqualTo(6100);
        assertThat(s.tokens()).isEqualTo(12492800L);
        assertThat(s.initialEvalLoss()).isEqualTo(5.55);
        assertThat(s.finalEvalLoss()).isEqualTo(2.41);
        assertThat(s.finalEvalPpl()).isEqualTo(11.1);
        assertThat(s.bytesUp()).isEqualTo(1_200_000_000L);
        assertThat(s.bytesDown()).isEqualTo(1_300_000_000L);
        assertThat(s.ddpBytesEquivalent()).isEqualTo(410_000_000_000L);
        assertThat(s.simulatedSeconds()).isEqualTo(3600.0);
        assertThat(s.wallSeconds()).isEqualTo(512.3);
        assertThat(s.computeUtilization()).isEqualTo(0.91);
        assertThat(s.stopReason()).isEqualTo("token budget of 12000000 reached (12492800)");
        assertThat(s.stalenessHistogram()).containsExactly(
                java.util.Map.entry(0L, 100L), java.util.Map.entry(1L, 250L), java.util.Map.entry(2L, 62L));
        assertThat(s.workerStats()).containsExactly(
                new Summary.WorkerStats("tokyo", 3000.5, 200, 99.5, 0.909, 5000, 10240000, 600000000, 650000000),
                new Summary.WorkerStats("nairobi", 3100, 400, 0, 0.886, 1100, 2252800, 600000000, 650000000));

        Metrics m = run.metrics();
        assertThat(m.runStart()).isPresent();
        assertThat(m.runStart().get().method()).isEqualTo("async-dn-dylu");
        assertThat(m.runStart().get().modelParams()).isEqualTo(3263232L);
        assertThat(m.runStart().get().workers()).containsExactly(
                new WorkerProfile("tokyo", 0.58, 50, 200, 120, 0), new WorkerProfile("nairobi", 3.33, 10, 40, 250, 1));
        assertThat(m.outerSteps()).containsExactly(new OuterStep(3, 3, 0, List.of(0), List.of(2L), List.of(1.0), 4,
                81920, 1000, 2000, 0.41, 12.5));
        assertThat(m.decisions()).containsExactly(new Decision(DecisionKind.DROP, 1, "w1#2 late: trained from v1", 13.0),
                new Decision(DecisionKind.STOP, -1, "budget", 30.0));
        assertThat(m.evals()).containsExactly(new Eval(163840, 6, 3.91, 5.641, 3000, 4000, 20.0));
        assertThat(Metrics.bytesTotal(m.evals().get(0))).isEqualTo(7000);
        assertThat(m.trainLosses()).containsExactly(new TrainLoss("tokyo", 120, 4.02, 0.002, 0.83, 5210.5, 19.7));
        assertThat(m.samples()).containsExactly(new Sample(30.0, 6, 0, "Mr President, ", "the vote\nwill take place.", 200, 42,
                0.8, 40));
        assertThat(m.clock()).contains(org.diloco4j.app.run.RunClock.SIMULATED);
        assertThat(s.initialEvalBpb()).isEqualTo(8.007);
        assertThat(s.finalEvalBpb()).isEqualTo(3.477);
        assertThat(m.segments()).containsExactly(new Segment("tokyo", Segment.Kind.COMPUTE, 1.2, 12.8));
        assertThat(run.config()).as("no config.toml in the directory").isEmpty();
    }

    @Test
    void keepsConfigTextVerbatim(@TempDir Path tmp) throws Exception {
        Path dir = writeRun(tmp.resolve("run"), SUMMARY, METRICS);
        String toml = "[run]\nmethod = \"async-dn-dylu\"  # comment kept\n";
        Files.writeString(dir.resolve("config.toml"), toml);
        assertThat(RunData.read(dir).config()).isEqualTo(toml);
        Files.writeString(dir.resolve("config.toml"), "x".repeat(RunReader.CONFIG_MAX_CHARS + 10));
        assertThat(RunData.read(dir).config()).hasSizeLessThan(RunReader.CONFIG_MAX_CHARS + 200).contains("cut here");
    }

    @Test
    void ignoresUnknownTypesFieldsAndSegmentKindsAndBlankLines(@TempDir Path tmp) throws Exception {
        List<String> lines = List.of(
                "{\"type\":\"heartbeat\",\"time\":1.0,\"anything\":[1,2,{\"x\":3}]}",
                "",
                "{\"type\":\"eval\",\"time\":20.0,\"tokens\":10,\"loss\":3.0,\"bytes_up\":1,\"bytes_down\":2,\"new_field\":\"x\"}",
                "{\"type\":\"segment\",\"worker\":\"w\",\"kind\":\"checkpoint\",\"start\":1,\"end\":2}",
                "{\"type\":\"decision\",\"time\":21.0,\"kind\":\"quarantine\",\"member\":1,\"reason\":\"a newer writer's kind\"}",
                "   ");
        RunData run = RunData.read(writeRun(tmp.resolve("run"), SUMMARY, lines));
        assertThat(run.metrics().evals()).hasSize(1);
        // ppl left out by the writer: derived from the loss; a whole number left out: 0.
        assertThat(run.metrics().evals().get(0).perplexity()).isCloseTo(Math.exp(3.0), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(run.metrics().evals().get(0).version()).isZero();
        assertThat(run.metrics().segments()).isEmpty();
        assertThat(run.metrics().decisions()).as("a decision of an unknown kind is skipped, not a null in the report").isEmpty();
        assertThat(run.metrics().runStart()).isEmpty();
    }

    @Test
    void acceptsNonFiniteLossesAsWritersSpellThem(@TempDir Path tmp) throws Exception {
        ObjectNode summary = (ObjectNode) JSON.readTree(SUMMARY);
        summary.putNull("final_eval_loss");
        summary.put("final_eval_ppl", "NaN");
        List<String> lines = List.of(
                "{\"type\":\"train_loss\",\"time\":1,\"worker\":\"w\",\"loss\":\"NaN\"}",
                "{\"type\":\"train_loss\",\"time\":2,\"worker\":\"w\",\"loss\":NaN}",
                "{\"type\":\"train_loss\",\"time\":3,\"worker\":\"w\",\"loss\":\"Infinity\"}");
        RunData run = RunData.read(writeRun(tmp.resolve("run"), summary.toString(), lines));
        assertThat(run.summary().finalEvalLoss()).isNaN();
        assertThat(run.summary().finalEvalPpl()).isNaN();
        assertThat(run.metrics().trainLosses()).extracting(TrainLoss::loss)
                .containsExactly(Double.NaN, Double.NaN, Double.POSITIVE_INFINITY);
    }

    @Test
    void malformedJsonLineNamesFileAndLine(@TempDir Path tmp) throws Exception {
        List<String> lines = List.of(METRICS.get(0), "", METRICS.get(1),
                "{\"type\":\"eval\",\"time\":20.0,\"tokens\":163840,\"loss\":3.9");
        Path dir = writeRun(tmp.resolve("run"), SUMMARY, lines);
        assertThatThrownBy(() -> RunData.read(dir))
                .isInstanceOf(RunFormatException.class)
                .hasMessageStartingWith(dir.resolve("metrics.jsonl") + " line 4: not valid JSON")
                .satisfies(e -> assertThat(((RunFormatException) e).line()).isEqualTo(4));
    }

    @Test
    void trailingGarbageAndNonObjectsAreMalformed(@TempDir Path tmp) throws Exception {
        Path a = writeRun(tmp.resolve("a"), SUMMARY, List.of(METRICS.get(4) + " {}"));
        assertThatThrownBy(() -> RunData.read(a)).hasMessageContaining("metrics.jsonl line 1: ");
        Path b = writeRun(tmp.resolve("b"), SUMMARY, List.of(METRICS.get(4), "[1, 2]"));
        assertThatThrownBy(() -> RunData.read(b)).hasMessageContaining("metrics.jsonl line 2: expected a JSON object, got array");
        Path c = writeRun(tmp.resolve("c"), SUMMARY, List.of("{\"time\":1}"));
        assertThatThrownBy(() -> RunData.read(c)).hasMessageContaining("line 1: every event needs a string field 'type'");
    }

    @Test
    void missingOrMistypedEventFieldIsNamed(@TempDir Path tmp) throws Exception {
        Path a = writeRun(tmp.resolve("a"), SUMMARY, List.of(METRICS.get(0),
                "{\"type\":\"outer_step\",\"step\":3,\"tokens\":1,\"bytes_up\":1,\"bytes_down\":1}"));
        assertThatThrownBy(() -> RunData.read(a)).isInstanceOf(RunFormatException.class)
                .hasMessageEndingWith("metrics.jsonl line 2: an 'outer_step' event: required field 'time' is missing");
        Path b = writeRun(tmp.resolve("b"), SUMMARY, List.of(
                "{\"type\":\"eval\",\"time\":1,\"tokens\":\"many\",\"loss\":3,\"bytes_up\":1,\"bytes_down\":1}"));
        assertThatThrownBy(() -> RunData.read(b))
                .hasMessageEndingWith("line 1: an 'eval' event: field 'tokens' must be a whole number, got \"many\"");
        Path c = writeRun(tmp.resolve("c"), SUMMARY, List.of(
                "{\"type\":\"segment\",\"worker\":\"tokyo\",\"kind\":\"idle\",\"start\":5,\"end\":4}"));
        assertThatThrownBy(() -> RunData.read(c))
                .hasMessageEndingWith("line 1: segment of worker 'tokyo' ends (4.0) before it starts (5.0)");
        Path d = writeRun(tmp.resolve("d"), SUMMARY, List.of(
                "{\"type\":\"outer_step\",\"time\":1,\"step\":1,\"tokens\":1,\"bytes_up\":1,\"bytes_down\":1,\"contributors\":[\"a\"]}"));
        assertThatThrownBy(() -> RunData.read(d))
                .hasMessageEndingWith("an 'outer_step' event: field 'contributors[0]' must be a whole number, got \"a\"");
    }

    @Test
    void missingSummaryFieldIsNamed(@TempDir Path tmp) throws Exception {
        for (String field : List.of("final_eval_loss", "method", "worker_stats", "staleness_histogram", "ddp_bytes_equivalent")) {
            ObjectNode summary = (ObjectNode) JSON.readTree(SUMMARY);
            summary.remove(field);
            Path dir = writeRun(tmp.resolve(field), summary.toString(), METRICS);
            assertThatThrownBy(() -> RunData.read(dir))
                    .as(field)
                    .isInstanceOf(RunFormatException.class)
                    .hasMessage(dir.resolve("summary.json") + ": required field '" + field + "' is missing");
        }
    }

    @Test
    void badSummaryValuesAreNamed(@TempDir Path tmp) throws Exception {
        ObjectNode summary = (ObjectNode) JSON.readTree(SUMMARY);
        ((ObjectNode) summary.get("worker_stats").get(1)).remove("steps");
        Path a = writeRun(tmp.resolve("a"), summary.toString(), METRICS);
        assertThatThrownBy(() -> RunData.read(a))
                .hasMessageEndingWith("summary.json: required field 'worker_stats[1].steps' is missing");

        ObjectNode summary2 = (ObjectNode) JSON.readTree(SUMMARY);
        ((ObjectNode) summary2.get("staleness_histogram")).put("x", 3);
        Path b = writeRun(tmp.resolve("b"), summary2.toString(), METRICS);
        assertThatThrownBy(() -> RunData.read(b)).hasMessageEndingWith("summary.json: field 'staleness_histogram' has key 'x', which is not a whole number");

        ObjectNode summary3 = (ObjectNode) JSON.readTree(SUMMARY);
        summary3.put("bytes_up", 1.5);
        Path c = writeRun(tmp.resolve("c"), summary3.toString(), METRICS);
        assertThatThrownBy(() -> RunData.read(c)).hasMessageEndingWith("summary.json: field 'bytes_up' must be a whole number, got 1.5");

        Path d = writeRun(tmp.resolve("d"), "{\"method\": ", METRICS);
        assertThatThrownBy(() -> RunData.read(d)).isInstanceOf(RunFormatException.class)
                .hasMessageStartingWith(d.resolve("summary.json") + ": not valid JSON");
    }

    @Test
    void missingFilesAreReported(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.json"), SUMMARY);
        assertThatThrownBy(() -> RunData.read(dir)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("metrics.jsonl");
        assertThatThrownBy(() -> RunData.read(tmp.resolve("nope"))).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nope");
    }

    /** A killed simulated run: events so far, no summary.json, the last line cut off mid-write. */
    @Test
    void runWithoutSummaryIsReadAsIncompleteWithTotalsFromItsEvents() throws Exception {
        Path dir = Fixtures.dir("interrupted");
        assertThat(dir.resolve("summary.json")).doesNotExist();
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        String cut = lines.get(lines.size() - 1);
        assertThat(cut).doesNotEndWith("}");

        RunData run = RunData.read(dir);
        assertThat(run.status()).isEqualTo(RunStatus.INCOMPLETE);
        assertThat(run.method()).isEqualTo("async-dn-dylu");
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String l : lines.subList(0, lines.size() - 1)) {
            events.add(JSON.readTree(l));
        }
        List<JsonNode> steps = events.stream().filter(e -> e.get("type").asText().equals("outer_step")).toList();
        List<JsonNode> evals = events.stream().filter(e -> e.get("type").asText().equals("eval")).toList();
        JsonNode lastStep = steps.get(steps.size() - 1);
        Summary s = run.summary();
        assertThat(s.outerSteps()).isEqualTo(lastStep.get("step").asLong());
        assertThat(s.tokens()).isEqualTo(Math.max(lastStep.get("tokens").asLong(), evals.get(evals.size() - 1).get("tokens").asLong()));
        assertThat(s.initialEvalLoss()).isEqualTo(evals.get(0).get("loss").asDouble());
        assertThat(s.finalEvalLoss()).isEqualTo(evals.get(evals.size() - 1).get("loss").asDouble());
        assertThat(s.finalEvalBpb()).isEqualTo(evals.get(evals.size() - 1).get("bpb").asDouble());
        assertThat(s.workers()).isEqualTo(4);
        assertThat(s.simulatedSeconds()).isGreaterThanOrEqualTo(lastStep.get("time").asDouble());
        assertThat(s.wallSeconds()).isNaN();
        assertThat(s.workerStats()).isEmpty();
        assertThat(s.stalenessHistogram().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(steps.stream().mapToLong(e -> e.get("staleness").size()).sum());
        assertThat(run.metrics().trainLosses()).hasSize((int) events.stream()
                .filter(e -> e.get("type").asText().equals("train_loss")).count());
    }

    @Test
    void onlyAnUnterminatedLastLineMayBeCutShort(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        String complete = String.join("\n", METRICS.subList(0, 6)) + "\n";
        String segment = METRICS.get(6);
        assertThat(segment).contains("\"segment\"");
        // Being written: left out.
        Files.writeString(dir.resolve("metrics.jsonl"), complete + segment.substring(0, 20));
        assertThat(RunData.read(dir).metrics().segments()).isEmpty();
        assertThat(RunData.read(dir).metrics().trainLosses()).hasSize(1);
        // Whole but not yet terminated: kept.
        Files.writeString(dir.resolve("metrics.jsonl"), complete + segment);
        assertThat(RunData.read(dir).metrics().segments()).hasSize(1);
        // Cut short, then more lines: the file is damaged, not being written.
        Files.writeString(dir.resolve("metrics.jsonl"), complete + segment.substring(0, 20) + "\n" + METRICS.get(7) + "\n");
        assertThatThrownBy(() -> RunData.read(dir)).isInstanceOf(RunFormatException.class).hasMessageContaining("line 7: not valid JSON");
        // No metrics at all: not a run (yet).
        Files.delete(dir.resolve("metrics.jsonl"));
        assertThatThrownBy(() -> RunData.read(dir)).isInstanceOf(NoSuchFileException.class).hasMessageContaining("has not started");
    }

    @Test
    void fixturesReadConsistently() throws Exception {
        for (String method : Fixtures.METHODS) {
            RunData run = Fixtures.run(method);
            JsonNode raw = JSON.readTree(Fixtures.dir(method).resolve("summary.json").toFile());
            assertThat(run.method()).isEqualTo(method);
            assertThat(run.summary().outerSteps()).isEqualTo(raw.get("outer_steps").asLong());
            assertThat(run.summary().workerStats()).hasSize(4);
            assertThat(run.config()).contains("method = \"" + method + "\"");
            long lines = Files.lines(Fixtures.dir(method).resolve("metrics.jsonl"))
                    .filter(l -> l.contains("\"type\":\"outer_step\"")).count();
            assertThat(run.metrics().outerSteps()).hasSize((int) lines).hasSize((int) run.summary().outerSteps());
            // Per-worker compute time in the summary is the sum of that worker's compute segments.
            for (Summary.WorkerStats w : run.summary().workerStats()) {
                double compute = run.metrics().segments().stream()
                        .filter(s -> s.worker().equals(w.name()) && s.kind() == Segment.Kind.COMPUTE)
                        .mapToDouble(Segment::seconds).sum();
                assertThat(compute).isCloseTo(w.computeSeconds(), org.assertj.core.data.Offset.offset(1.0));
            }
        }
    }
}
