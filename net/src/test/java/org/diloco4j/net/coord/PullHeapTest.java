package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codecs;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a pull costs the event loop's heap: the one that makes a snapshot allocates its encoded bytes
 * (bf16: 2 bytes per parameter, half an fp32 copy), and one served a snapshot already kept allocates
 * next to nothing — the bytes go out as slices of the snapshot.
 */
class PullHeapTest {
    static final int N = 1 << 20;

    @Test
    void aPullEncodesOneSnapshotAndLaterPullsShareIt() throws Exception {
        try (PullCluster c = new PullCluster(N, 2, "bf16", 1 << 20);
             PullCluster.Member a = c.member("a"); PullCluster.Member b = c.member("b")) {
            SharedSnapshotsTest.started(a, b);
            a.pull(0, 0); // warm-up: classes and the pull path (this snapshot is then kept)
            assertThat(a.push(0, 0.001f).getAccepted()).isTrue();
            a.nextTrain();
            long before = c.runtime.query(x -> OrderHeapTest.allocated());
            assertThat(a.pull(0, 0).version()).isEqualTo(1);
            long making = c.runtime.query(x -> OrderHeapTest.allocated()) - before;
            before = c.runtime.query(x -> OrderHeapTest.allocated());
            assertThat(b.pull(0, 0).version()).isEqualTo(1);
            long sharing = c.runtime.query(x -> OrderHeapTest.allocated()) - before;
            long encoded = Codecs.parse("bf16").encodedSize(N);
            System.out.printf(Locale.ROOT, "PullHeapTest: event-loop heap per pull of a %d-parameter θ in bf16: %d bytes making a snapshot"
                    + " (encoded: %d), %d bytes sharing it (fp32 θ: %d)%n", N, making, encoded, sharing, 4L * N);
            assertThat(making).isGreaterThanOrEqualTo(encoded).isLessThan(4L * N);
            assertThat(sharing).as("no copy of the snapshot (b is also rebased: an Event.Served is handled)").isLessThan(encoded / 8);
        }
    }
}
