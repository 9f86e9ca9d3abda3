package org.diloco4j.net.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.params.Fp32Vector;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's helpers: tiled vectors and payloads equal to what they stand for, CPU clocks that move, result tables. */
class TiledTest {
    static final int PERIOD = 1024;

    @Test
    void aTiledVectorRepeatsItsFirstPeriod() {
        float[] v = Tiled.floats(5 * PERIOD + 17, 0.02, 3, PERIOD);
        for (int i = PERIOD; i < v.length; i++) assertThat(v[i]).as("value " + i).isEqualTo(v[i % PERIOD]);
        assertThat(v[1]).isNotEqualTo(v[0]);
    }

    @Test
    void aTiledVectorInChunksHoldsTheTiledValues() {
        // Chunks smaller than a period, a period, larger than it, and not dividing it.
        for (int shift : new int[] {8, 10, 12, 26}) {
            for (int n : new int[] {0, 5, 5 * PERIOD + 17}) {
                Fp32Vector v = Tiled.vector(n, 0.02, 3, PERIOD, shift);
                assertThat(v.shift()).isEqualTo(shift);
                assertThat(v.toArray()).as("2^" + shift + ", " + n + " values").isEqualTo(Tiled.floats(n, 0.02, 3, PERIOD));
            }
        }
        assertThat(Tiled.vector(3 * PERIOD + 1, 0.02, 3, 3 * 512, 10).toArray()).as("a period that is no multiple of a chunk")
                .isEqualTo(Tiled.floats(3 * PERIOD + 1, 0.02, 3, 3 * 512));
    }

    @Test
    void aTiledPayloadIsTheEncodingOfTheTiledVector() {
        // Chunked codecs whose chunk divides the period (int8's and q4's chunks) and plain ones; lengths with and without a partial period.
        for (String spec : List.of("int8:chunk=256", "bf16", "fp32", "fp16")) {
            Codec c = Codecs.parse(spec);
            for (int n : new int[] {7 * PERIOD, 7 * PERIOD + 300, 3 * PERIOD + 1}) {
                assertThat(Tiled.encoded(c, n, 1e-5, 5, PERIOD)).as(spec + ", " + n + " values")
                        .isEqualTo(c.encode(Tiled.floats(n, 1e-5, 5, PERIOD)));
            }
        }
    }

    @Test
    void aCodecWhoseChunksSpanThePeriodIsEncodedWhole() {
        Codec c = Codecs.parse("int8:chunk=4096"); // 4 periods per chunk: the encoded period does not repeat
        int n = 9 * PERIOD + 5;
        assertThat(Tiled.encoded(c, n, 1e-5, 5, PERIOD)).isEqualTo(c.encode(Tiled.floats(n, 1e-5, 5, PERIOD)));
    }

    @Test
    void theCpuClockOfThisJvmAdvancesWithWorkAndTheMachineWithIt() {
        CpuClocks c0 = CpuClocks.now(null);
        // Spin until this thread has had 100 ms of CPU, however busy the machine: the process's time includes it.
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + 100_000_000L;
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() < until) sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        CpuClocks.Spent spent = CpuClocks.now(null).since(c0);
        assertThat(sink).isNotNegative();
        assertThat(spent.self()).as("100 ms of this thread's CPU").isGreaterThanOrEqualTo(0.1);
        assertThat(spent.load()).as("no load process").isNaN();
        // /proc/stat counts in ticks of 10 ms; this JVM's own time is part of the machine's.
        assertThat(spent.machine()).isGreaterThanOrEqualTo(spent.self() - 0.05);
    }

    @Test
    void aResultTableShowsADashForWhatARunDidNotReach() throws Exception {
        Map<String, Object> ok = new LinkedHashMap<>(Map.of("workers", 16, "codec_up", "int8", "codec_down", "bf16", "ingested_mb_per_second", 88.876));
        Map<String, Object> failed = new LinkedHashMap<>(Map.of("workers", 8, "outcome", "failed while x: a | b"));
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<JsonNode> runs = List.of(mapper.readTree(BenchJson.format(ok)), mapper.readTree(BenchJson.format(failed)));
        String table = BenchTable.table(new String[] {"dir/a.json", "b.json"}, runs);
        assertThat(table).contains("| | a.json | b.json |", "| ingested (MB/s) | 88.88 | — |", "| codec up / down | int8 / bf16 | — / — |",
                "| outcome | — | failed while x: a \\| b |");
    }
}
