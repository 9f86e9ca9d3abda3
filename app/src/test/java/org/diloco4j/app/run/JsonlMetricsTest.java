package org.diloco4j.app.run;

import org.diloco4j.core.coord.DecisionKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diloco4j.app.config.WorkerEntry;
import org.diloco4j.app.report.Metrics;
import org.diloco4j.app.report.RunData;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.run.Segment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlMetricsTest {
    @Test
    void runStartRecordsTheShardEachWorkerTrainsOn(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("metrics.jsonl");
        List<WorkerEntry> workers = List.of(
                new WorkerEntry("lima", 1.5, 0, 20, 80, 180, 0, 3),          // names shard 3
                new WorkerEntry("tokyo", 0.5, 0, 50, 200, 120, 0, -1));     // names none: it takes its index, 1
        try (JsonlMetrics m = new JsonlMetrics(file)) {
            m.runStart("diloco", RunClock.SIMULATED, 1234, workers);
        }
        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(file).get(0));
        assertThat(line.get("model_params").asLong()).isEqualTo(1234);
        assertThat(line.get("clock").asText()).isEqualTo("simulated");
        assertThat(line.get("workers").get(0).get("shard").asInt()).isEqualTo(3);
        assertThat(line.get("workers").get(1).get("shard").asInt()).isEqualTo(1);
        assertThat(line.get("workers").get(1).get("latency_ms").asDouble()).isEqualTo(120);
    }

    @Test
    void writesTheOptimizerFiguresBitsPerByteAndSamples(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("metrics.jsonl");
        try (JsonlMetrics m = new JsonlMetrics(file)) {
            m.emit(new Metric.TrainLoss("tokyo", 24, 3.2, 2e-3, 0.75, 5100.5, 12.0));
            m.emit(new Metric.TrainLoss("lima", 3, 3.4, Double.NaN, Double.NaN, Double.NaN, 13.0));
            m.emit(new Metric.Eval(1000, 2, 2.0, 2.0 / Math.log(2), 10, 20, 14.0));
            m.sample(new TextSample(1, "Mr President, ", "line one\nline \"two\" é", 200, 43, 0.8, 40), 15.0, 7);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        ObjectMapper json = new ObjectMapper();
        JsonNode t = json.readTree(lines.get(0));
        assertThat(t.get("lr").asDouble()).isEqualTo(2e-3);
        assertThat(t.get("grad_norm").asDouble()).isEqualTo(0.75);
        assertThat(t.get("tokens_per_second").asDouble()).isEqualTo(5100.5);
        JsonNode unknown = json.readTree(lines.get(1));
        assertThat(unknown.get("lr").isNull()).isTrue();
        assertThat(unknown.get("grad_norm").isNull()).isTrue();
        assertThat(json.readTree(lines.get(2)).get("bpb").asDouble()).isEqualTo(2.0 / Math.log(2));
        JsonNode s = json.readTree(lines.get(3));
        assertThat(s.get("type").asText()).isEqualTo("sample");
        assertThat(s.get("text").asText()).isEqualTo("line one\nline \"two\" é");
        assertThat(s.get("version").asLong()).isEqualTo(7);
        assertThat(s.get("seed").asLong()).isEqualTo(43);
        assertThat(s.get("top_k").asInt()).isEqualTo(40);
    }

    /** The report reads every event back as the very record the job wrote: one type per event, both ways. */
    @Test
    void everyEventReadsBackAsTheRecordItWasWrittenFrom(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        Metric.OuterStep step = new Metric.OuterStep(3, 4, 1, List.of(0, 2), List.of(0L, 5L), List.of(0.5, 0.5), 3, 8192, 100,
                200, Double.NaN, 12.5);
        Metric.Decision decision = new Metric.Decision(DecisionKind.DROP, 2, "w2#2 late", 13.0);
        Metric.Eval eval = new Metric.Eval(1000, 2, 2.0, Double.NaN, 10, 20, 14.0);
        Metric.TrainLoss loss = new Metric.TrainLoss("tokyo", 24, 3.2, 2e-3, Double.NaN, 5100.5, 12.0);
        Segment segment = new Segment("tokyo", Segment.Kind.COMMUNICATE, 1.0, 2.5);
        try (JsonlMetrics m = new JsonlMetrics(dir.resolve("metrics.jsonl"))) {
            m.runStart("diloco", RunClock.WALL, 1234, List.of(new WorkerEntry("lima", 1.5, 0, 20, 80, 180, 0, 3)));
            for (Metric x : List.of(step, decision, eval, loss)) m.emit(x);
            m.sample(new TextSample(1, "P", "text", 20, 43, 0.8, 40), 15.0, 7);
            m.segments(List.of(segment));
        }
        Metrics read = RunData.read(dir).metrics();
        assertThat(read.runStart()).contains(new RunStart("diloco", RunClock.WALL, 1234,
                List.of(new RunStart.WorkerProfile("lima", 1.5, 20, 80, 180, 3))));
        assertThat(read.outerSteps()).containsExactly(step);
        assertThat(read.decisions()).containsExactly(decision);
        assertThat(read.evals()).containsExactly(eval);
        assertThat(read.trainLosses()).containsExactly(loss);
        assertThat(read.samples()).containsExactly(new Sample(15.0, 7, 1, "P", "text", 20, 43, 0.8, 40));
        assertThat(read.segments()).containsExactly(segment);
        String segmentLine = Files.readAllLines(dir.resolve("metrics.jsonl")).getLast();
        assertThat(new ObjectMapper().readTree(segmentLine).get("kind").asText()).isEqualTo("communicate");
    }
}
