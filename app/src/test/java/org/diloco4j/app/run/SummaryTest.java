package org.diloco4j.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.diloco4j.app.report.RunData;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.train.EvalResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryTest {
    private static RunResult result(EvalResult finalEval) {
        return new RunResult(3600.0, 412, 1_000_000, 1_200_000_000L, 1_300_000_000L, new TreeMap<>(java.util.Map.of(0L, 100L, 2L, 62L)),
                List.of(new RunResult.Worker("tokyo", 30, 10, 0, 5000, 600_000, 1_000, 2_000),
                        new RunResult.Worker("lima", 10, 10, 20, 1100, 400_000, 3_000, 4_000)),
                new EvalResult(5.5, 100, 400), finalEval, "token budget reached");
    }

    @Test
    void theReportReadsBackExactlyWhatTheJobWrote(@TempDir Path tmp) throws Exception {
        Summary s = Summary.of("async-dn-dylu", 3_263_232, 2048, result(new EvalResult(2.4, 100, 300)), 512.3);
        s.write(tmp.resolve("summary.json"));
        assertThat(RunData.readSummary(tmp)).isEqualTo(s);
        assertThat(s.workerStats().get(0).utilization()).isEqualTo(0.75);
        assertThat(s.computeUtilization()).isEqualTo(40.0 / 80);
        assertThat(s.finalEvalPpl()).isEqualTo(Math.exp(2.4));
        // 1_000_000 tokens / (2048 · 2 workers) = 244 global steps, each a ring all-reduce of 2(k−1)·4|θ| bytes.
        assertThat(s.ddpBytesEquivalent()).isEqualTo(244L * 2 * 1 * 4 * 3_263_232);
    }

    @Test
    void aRunWithoutEvaluationWritesNullLossesAndReadsThemAsNaN(@TempDir Path tmp) throws Exception {
        Summary s = Summary.of("diloco", 1000, 16, result(null), 1.0);
        s.write(tmp.resolve("summary.json"));
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("summary.json").toFile());
        assertThat(json.get("final_eval_loss").isNull()).isTrue();
        assertThat(json.get("final_eval_ppl").isNull()).isTrue();
        assertThat(json.get("staleness_histogram").get("2").asLong()).isEqualTo(62);
        assertThat(json.get("worker_stats").get(1).get("idle_seconds").asDouble()).isEqualTo(20);
        Summary back = RunData.readSummary(tmp);
        assertThat(back.finalEvalLoss()).isNaN();
        assertThat(back).isEqualTo(s);
    }
}
