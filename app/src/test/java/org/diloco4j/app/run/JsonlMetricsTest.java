package org.diloco4j.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diloco4j.app.config.WorkerEntry;
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
            m.runStart("diloco", 1234, workers);
        }
        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(file).get(0));
        assertThat(line.get("model_params").asLong()).isEqualTo(1234);
        assertThat(line.get("workers").get(0).get("shard").asInt()).isEqualTo(3);
        assertThat(line.get("workers").get(1).get("shard").asInt()).isEqualTo(1);
        assertThat(line.get("workers").get(1).get("latency_ms").asDouble()).isEqualTo(120);
    }
}
