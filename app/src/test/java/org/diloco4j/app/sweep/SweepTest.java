package org.diloco4j.app.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.diloco4j.app.Main;
import org.diloco4j.app.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The default run shrunk to seconds (as TinyRuns), as an experiment of three arms. */
    private static final String TINY = """
            workers = 3
            [model]
            layers = 1
            d_model = 32
            heads = 2
            context = 16
            [data]
            eval_batches = 2
            [train]
            batch = 4
            warmup_steps = 2
            threads = 1
            token_budget = 2500
            [outer]
            inner_steps = 5
            [sweep]
            seeds = [1, 2]
            tune_seeds = [101]
            tune_token_budget = 1200
            tune = { "outer.lr" = [0.3, 0.7] }
            [[sweep.arm]]
            name = "diloco"
            method = "diloco"
            [[sweep.arm]]
            name = "dn-dylu"
            method = "async-dn-dylu"
            [[sweep.arm]]
            name = "single"
            same_time_as = "dn-dylu"
            tune = { "train.lr" = [1e-3, 3e-3] }
            """;

    @TempDir
    Path tmp;

    @Test
    void everyArmIsTunedOnTheTuningSetThenReportedOverSeedsAtEqualTokens() throws Exception {
        Path spec = tmp.resolve("tiny.toml");
        Files.writeString(spec, TINY);
        Path out = tmp.resolve("sweep");
        Out o = run("sweep", spec.toString(), "--out", out.toString(), "--no-progress");
        assertThat(o.code).as(o.err).isZero();

        JsonNode doc = JSON.readTree(out.resolve("sweep.json").toFile());
        long round = 3L * 5 * 4 * 16;   // workers × H × batch × context
        assertThat(doc.get("token_budget").asLong()).isEqualTo(Math.round(2500.0 / round) * round);
        assertThat(o.err).contains("sweep: train.token_budget 2.50k → ");
        List<JsonNode> runs = new ArrayList<>();
        doc.get("runs").forEach(runs::add);
        // 3 arms × 2 grid values × 1 tuning seed, then 3 arms × 2 seeds.
        assertThat(runs).hasSize(12);

        Map<String, Map<String, Double>> tuning = new HashMap<>();
        for (JsonNode r : runs) {
            Path dir = Path.of(r.get("dir").asText());
            var cfg = ConfigLoader.load(dir.resolve("config.toml"), List.of());
            // Tuning runs score on the tuning half of the held-out documents, reported runs on the other.
            assertThat(cfg.str("data.eval_set")).isEqualTo(r.get("phase").asText());
            assertThat(cfg.lng("seed")).isEqualTo(r.get("seed").asLong());
            if (r.get("phase").asText().equals("tune")) {
                assertThat(r.get("seed").asLong()).isEqualTo(101);
                tuning.computeIfAbsent(r.get("arm").asText(), k -> new HashMap<>()).put(r.get("setting").toString(), r.get("final_eval_loss").asDouble());
            }
        }
        assertThat(tuning.keySet()).containsExactlyInAnyOrder("diloco", "dn-dylu", "single");

        for (String arm : List.of("diloco", "dn-dylu", "single")) {
            List<JsonNode> reported = runs.stream().filter(r -> r.get("arm").asText().equals(arm) && r.get("phase").asText().equals("report")).toList();
            assertThat(reported).extracting(r -> r.get("seed").asLong()).containsExactly(1L, 2L);
            // The reported runs use the setting with the lowest tuning loss.
            String best = tuning.get(arm).entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertThat(reported).allSatisfy(r -> assertThat(r.get("setting").toString()).isEqualTo(best));
        }
        // Equal tokens: the synchronous arm ends on the whole-round budget and the asynchronous one is trimmed to it.
        for (JsonNode r : runs) {
            if (r.get("phase").asText().equals("report") && !r.get("arm").asText().equals("single")) {
                assertThat(r.get("tokens").asLong()).as(r.get("arm").asText()).isEqualTo(doc.get("token_budget").asLong());
            }
        }
        // One worker alone, given the simulated time the dn-dylu run with the same seed took.
        for (long seed : List.of(1L, 2L)) {
            JsonNode single = find(runs, "single", "report", seed);
            JsonNode dn = find(runs, "dn-dylu", "report", seed);
            var cfg = ConfigLoader.load(Path.of(single.get("dir").asText()).resolve("config.toml"), List.of());
            assertThat(cfg.workers()).hasSize(1);
            // As many steps of the fastest device as fit in that time, and its schedule ends with them.
            double sps = cfg.workers().get(0).secondsPerStep();
            assertThat(single.get("tokens").asLong()).isEqualTo((long) (dn.get("simulated_seconds").asDouble() / sps) / 5 * 5 * 4 * 16);
            assertThat(single.get("simulated_seconds").asDouble()).isCloseTo(dn.get("simulated_seconds").asDouble(),
                    org.assertj.core.data.Offset.offset(0.15 * dn.get("simulated_seconds").asDouble()));
        }
        String table = Files.readString(out.resolve("sweep.md"));
        assertThat(table).contains("| diloco |", "| dn-dylu |", "| single |", " ± ", "vs diloco (paired)");
        // The report overlays one run of each arm and gives the table over all seeds.
        String report = Files.readString(out.resolve("report.html"));
        assertThat(report).contains("Over seeds", "<td>dn-dylu</td>", " ± ", "Comparison of 3 runs");

        // The same command again finds every run finished and runs nothing.
        long before = Files.getLastModifiedTime(Path.of(find(runs, "diloco", "report", 1).get("dir").asText()).resolve("summary.json")).toMillis();
        Out again = run("sweep", spec.toString(), "--out", out.toString(), "--no-progress");
        assertThat(again.code).as(again.err).isZero();
        assertThat(again.err).doesNotContain("sweep: diloco, report seed 1");
        assertThat(Files.getLastModifiedTime(Path.of(find(runs, "diloco", "report", 1).get("dir").asText()).resolve("summary.json")).toMillis())
                .isEqualTo(before);
    }

    @Test
    void tuningSeedsMustDifferFromTheReportedOnes() throws Exception {
        Path spec = tmp.resolve("bad.toml");
        Files.writeString(spec, TINY.replace("tune_seeds = [101]", "tune_seeds = [2]"));
        assertThatThrownBy(() -> SweepSpec.load(spec, List.of())).hasMessageContaining("share seed 2");
        Out o = run("sweep", spec.toString(), "--out", tmp.resolve("x").toString());
        assertThat(o.code).isEqualTo(2);
        assertThat(o.err.strip()).startsWith("diloco: sweep.tune_seeds and sweep.seeds share seed 2").doesNotContain("Exception");
    }

    private static JsonNode find(List<JsonNode> runs, String arm, String phase, long seed) {
        return runs.stream().filter(r -> r.get("arm").asText().equals(arm) && r.get("phase").asText().equals(phase)
                && r.get("seed").asLong() == seed).findFirst().orElseThrow();
    }

    record Out(int code, String out, String err) {
    }

    static Out run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int code = Main.run(args);
            return new Out(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
