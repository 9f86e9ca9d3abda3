package org.diloco4j.net.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The push-only / mixed comparison of bench-push-path, and the load workers' pull rate. */
class PushPathTableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode run(String pulls, double ingestedGb, double pulledGb, double loop, double total) throws Exception {
        return JSON.readTree(String.format(java.util.Locale.ROOT, """
                {"params": 25000000, "workers": 16, "pulls": "%s", "ingested_gb": %s, "pulled_gb": %s,
                 "cpu_seconds_event_loop": %s, "coordinator_cpu_seconds": %s}""", pulls, ingestedGb, pulledGb, loop, total));
    }

    /**
     * A mixed run's pull serving is its CPU less the push path's at its own volume (push-only runs' median per GB
     * ingested), per GB pulled: push-only 3 and 5 CPU-s per GB (median 4), mixed 10 GB in and 20 GB pulled in 60 CPU-s
     * gives (60 − 4 · 10) / 20 = 1 CPU-s per GB pulled.
     */
    @Test
    void pullServingIsTheMixedRunLessThePushPathPerGbPulled() throws Exception {
        List<JsonNode> runs = List.of(run("every order", 10, 20, 5, 60), run("first only", 2, 0, 0.4, 6), run("first only", 2, 0, 0.8, 10));
        String t = PushPathTable.pullPerGbSent(new String[] {"mixed.json", "push-1.json", "push-2.json"}, runs);
        assertThat(t).contains("| mixed.json |").doesNotContain("push-1.json");
        assertThat(t).contains("| push-only runs of its size | 2 |");
        // Event loop: push-only 0.2 and 0.4 per GB (median 0.3): (5 − 3) / 20 = 0.1.
        assertThat(t).contains("| event loop | 0.10 |");
        assertThat(t).contains("| **whole coordinator** | 1.00 |");
    }

    @Test
    void perGbIngestedDividesEachGroupByTheRunsOwnVolume() throws Exception {
        String t = PushPathTable.perGbIngested(new String[] {"a.json"}, List.of(run("first only", 4, 0, 2, 12)));
        assertThat(t).contains("| first only (push-only) |").contains("| event loop | 0.50 |").contains("| **whole coordinator** | 3.00 |");
    }

    /** Before against after: each set's min – median – max per group, and the change of the medians. */
    @Test
    void twoSetsOfRunsAreComparedByMedians() throws Exception {
        String t = PushPathTable.compare(List.of(ok(run("first only", 1, 0, 0.4, 4)), ok(run("first only", 1, 0, 0.6, 5)), ok(run("first only", 1, 0, 0.5, 9))),
                List.of(ok(run("first only", 2, 0, 0.4, 6))));
        assertThat(t).contains("| 25,000,000 × 16 | first only (push-only) | event loop | 0.40 – 0.50 – 0.60 (3) | 0.20 – 0.20 – 0.20 (1) | -0.30 |");
        assertThat(t).contains("| **whole coordinator** | 4.00 – 5.00 – 9.00 (3) | 3.00 – 3.00 – 3.00 (1) | -2.00 |");
        assertThat(t).doesNotContain("every order");
    }

    private static JsonNode ok(JsonNode run) {
        return ((com.fasterxml.jackson.databind.node.ObjectNode) run).put("outcome", "ok");
    }

    @Test
    void aWorkerPullsOnItsFirstOrderAndThenAsOftenAsAsked() {
        assertThat(List.of(0L, 1L, 2L, 3L, 4L).stream().map(PullRate.EVERY_ORDER::pulls)).containsExactly(true, true, true, true, true);
        assertThat(List.of(0L, 1L, 2L, 3L, 4L).stream().map(PullRate.FIRST_ONLY::pulls)).containsExactly(true, false, false, false, false);
        assertThat(List.of(0L, 1L, 2L, 3L, 4L).stream().map(PullRate.parse("2")::pulls)).containsExactly(true, false, true, false, true);
        assertThat(PullRate.parse("first")).isEqualTo(PullRate.FIRST_ONLY);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PullRate.parse("often")).hasMessageContaining("--pull-every 'often'");
    }
}
