package org.diloco4j.net;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.wire.WireCounter;
import org.diloco4j.net.worker.WorkerClient;
import org.diloco4j.net.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes on a real socket (loopback Netty) agree with the coordinator's ledger — which counts the
 * codecs' encoded sizes, exactly as the simulator does for the same messages — within framing.
 */
class WireBytesTest {
    @Test
    void bytesOnTheWireMatchTheLedgerWithinFramingOverhead() throws Exception {
        CoordinatorConfig cfg = InProcessClusterTest.base(Method.DILOCO).upCodec("int8:chunk=256").downCodec("fp32")
                .tokenBudget(3 * 16 * 10 * 6).build();
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST.withChunkBytes(1024), true, null)) {
            InProcessClusterTest.startThree(c);
            RunTotals t = c.await(30);
            c.joinWorkers(10);
            int n = ToyCluster.PROBLEM.size();
            long pushes = c.recorder.steps().stream().mapToLong(s -> s.contributors().size()).sum();
            long pulls = 3L * c.recorder.steps().size();

            // The ledger is the codecs' sizes: what the simulator would count for these messages.
            assertThat(t.bytesUp()).isEqualTo(pushes * Codecs.parse("int8:chunk=256").encodedSize(n));
            assertThat(t.bytesDown()).isEqualTo(pulls * Codecs.parse("fp32").encodedSize(n));
            // What the workers measured themselves.
            assertThat(t.workers().stream().mapToLong(w -> w.bytesUp()).sum()).isEqualTo(t.bytesUp());
            assertThat(t.workers().stream().mapToLong(w -> w.bytesDown()).sum()).isEqualTo(t.bytesDown());

            // On the wire: the same payloads plus protobuf framing (headers, field tags, lengths).
            WireCounter.Bytes push = t.wire().get("PushDelta");
            WireCounter.Bytes pull = t.wire().get("PullTheta");
            long upOverhead = push.in() - t.bytesUp();
            long downOverhead = pull.out() - t.bytesDown();
            assertThat(upOverhead).isPositive().isLessThanOrEqualTo(pushes * 160);
            assertThat(downOverhead).isPositive().isLessThanOrEqualTo(pulls * 64);
            // Both ends of the socket saw the same bytes.
            long clientsOut = 0;
            for (WorkerClient w : c.clients) clientsOut += w.wire().method("PushDelta").out();
            assertThat(clientsOut).isEqualTo(push.in());
            assertThat(c.recorder.metrics).filteredOn(m -> m instanceof Metric.Decision d && d.kind() == org.diloco4j.core.coord.DecisionKind.REJECT).isEmpty();
        }
    }
}
