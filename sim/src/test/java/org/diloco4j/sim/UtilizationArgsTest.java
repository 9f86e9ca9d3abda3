package org.diloco4j.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** scripts/utilization-table's options: the committed table by default, any model size otherwise. */
class UtilizationArgsTest {
    @Test
    void withoutArgumentsItIsTheCommittedTable() {
        UtilizationArgs a = UtilizationArgs.parse(new String[0]);
        assertThat(a.out()).isEqualTo(Path.of("docs/bench/utilization.md"));
        assertThat(a.params()).isEqualTo(1_000_000_000L);
        assertThat(a.secondsPerStep()).isEqualTo(0.1);
        assertThat(a.described()).isEqualTo("a 1B-parameter model, 0.1 s per inner step, 2 workers, 1 ms latency, 4 rounds per point");
    }

    @Test
    void aSizeOnADeviceTakesItsStepTimeFromTheProfile() {
        UtilizationArgs a = UtilizationArgs.parse(new String[] {"--size", "70b", "--device", "H100", "--workers", "8"});
        ScaleSize seventy = ScaleSize.issue14().get(3);
        assertThat(a.params()).isEqualTo(70_000_000_000L);
        assertThat(a.secondsPerStep()).isEqualTo(seventy.secondsPerStep(Accelerator.H100));
        assertThat(a.workers()).isEqualTo(8);
        assertThat(a.out()).as("options without OUT: printed only").isNull();
        assertThat(a.described()).startsWith("the 70B model of docs/scale.md (70,000,000,000 parameters) on 16 × h100 per worker");
    }

    @Test
    void badOptionsAreOneLineNamingTheOption() {
        for (String[] bad : new String[][] {{"--params", "7e9"}, {"--params", "seven", "--seconds-per-step", "1"}, {"--size", "7B", "--device", "h100"},
                {"--size", "70B"}, {"--workers"}, {"--bogus", "1"}, {"--params", "0", "--seconds-per-step", "1"},
                {"--workers", "2147483648"}, {"--rounds", "1e10"}, {"--rounds", "-3e9"}}) {
            assertThatThrownBy(() -> UtilizationArgs.parse(bad)).as(String.join(" ", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad[0]).hasMessageNotContaining("\n");
        }
    }

    /** The entry point end to end at 7B: a table written where asked, of that model, every bandwidth found. */
    @Test
    void aSevenBillionTableIsWrittenEndToEnd(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("7b.md");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            UtilizationTable.main(new String[] {"--params", "7e9", "--seconds-per-step", "5", "--rounds", "2", out.toString()});
        } finally {
            System.setOut(stdout);
        }
        String doc = Files.readString(out);
        assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(doc);
        assertThat(doc).contains("a 7B-parameter model, 5 s per inner step, 2 workers, 1 ms latency, 2 rounds per point");
        assertThat(doc.lines().filter(l -> l.startsWith("| DiLoCo H=100") || l.startsWith("| Streaming") || l.startsWith("| DDP"))).hasSize(4)
                .allMatch(l -> !l.contains("> 100000"));
    }
}
