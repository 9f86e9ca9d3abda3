package org.diloco4j.app.cmd;

import org.diloco4j.app.cmd.CommandLineTest.Out;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.app.cmd.CommandLineTest.TINY;
import static org.diloco4j.app.cmd.CommandLineTest.concat;
import static org.diloco4j.app.cmd.CommandLineTest.run;

/**
 * A coordinator whose heap cannot hold what its run needs (net's MemoryBound) is refused at start
 * with one line naming the need, the heap and the way out, before its run directory is made.
 */
class CoordinatorHeapTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the check the coordinator would serve, waiting for workers
    void aCoordinatorThatAdmitsMoreWorkersThanItsHeapHoldsIsRefusedInOneLine() {
        Path out = tmp.resolve("runs/big");
        // Ten million admitted workers, each allowed two uploads of the tiny model in flight: hundreds of GB.
        Out o = run(concat(new String[] {"coordinator", "--port", "0", "--out", out.toString(), "--max-workers", "10000000"}, TINY));
        // The corpus is read before the model's size is known: its line comes first; the refusal is the one diloco: line.
        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err()).doesNotContain("Exception", "\tat ");
        assertThat(o.err().lines().filter(l -> l.startsWith("diloco: ")).toList()).as(o.err()).singleElement().asString()
                .contains("the coordinator needs at least", "of heap", "10000000 workers", "this JVM may use only", "DILOCO_JAVA_OPTS=-Xmx",
                        "--max-workers");
        assertThat(tmp.resolve("runs")).doesNotExist();
    }
}
