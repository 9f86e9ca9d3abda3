package org.diloco4j.net.worker;

import io.grpc.inprocess.InProcessChannelBuilder;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.ThetaRef;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.sim.toy.ToyTrainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What the transfers do with fragment orders before anything goes over the wire. */
class GrpcTransfersTest {
    @Test
    void aFragmentOrderOutsideThePlanIsLoggedAsMalformedAndNeverFetched() {
        RunDefinition run = StreamingLoopTest.streamingRun();
        List<String> log = new CopyOnWriteArrayList<>();
        try (WorkerClient client = WorkerClient.over(InProcessChannelBuilder.forName("nowhere"), Token.of("test-token-0123456789"));
             WorkerRuntime worker = new WorkerRuntime(client, WorkerOptions.named("w"),
                     (r, shard, threads) -> new ToyTrainer(StreamingLoopTest.PROBLEM, shard, 16, 0.02, 100), log::add)) {
            Accounting acct = new Accounting();
            GrpcSession session = new GrpcSession(worker, client, acct, JoinReply.getDefaultInstance());
            try (GrpcTransfers transfers = new GrpcTransfers(worker, client, run, acct, session)) {
                transfers.fetch(FragmentOrder.newBuilder().setFragment(2).setRound(3).build());
                transfers.fetch(FragmentOrder.newBuilder().setFragment(-1).setRound(3).build());
                // A well-formed order whose θ ref has the wrong size: its pull fails at once, on the
                // same single fetch thread, so anything the bad orders had queued would come first.
                transfers.fetch(FragmentOrder.newBuilder().setFragment(0).setRound(4)
                        .setValues(ThetaRef.newBuilder().setFragment(0).setFloats(1)).build());

                Signal first = session.next(5000);
                assertThat(first).isInstanceOfSatisfying(Signal.Broken.class, b -> assertThat(b.reason()).contains("fragment 0 round 4"));
                assertThat(session.next(0)).isNull();
            } finally {
                session.close();
            }
        }
        assertThat(log).filteredOn(l -> l.contains("malformed fragment order")).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("fragment 2 (round 3) is outside the plan's [0, 2)"))
                .anySatisfy(l -> assertThat(l).contains("fragment -1"));
    }
}
