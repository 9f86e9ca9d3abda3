package org.diloco4j.net.worker;

import io.grpc.inprocess.InProcessChannelBuilder;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.BlockAssignment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.FragmentPlanner;
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.Notice;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.ThetaRef;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.sim.toy.ToyProblem;
import org.diloco4j.sim.toy.ToyTrainer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming loop against a fake session and fake transfers, no network: it sends each fragment
 * on the schedule, merges what comes back before sending that fragment again (so each push refers
 * to the round the previous merge brought), and ends on a stop order.
 */
class StreamingLoopTest {
    static final ToyProblem PROBLEM = new ToyProblem(8, 4, new double[] {1, 1, 1}, 0.5, 0.05, 7);

    /** Signals in a queue; control orders mean what they mean to the real session. */
    static final class FakeSession extends QueuedSession {

        @Override
        public SessionRef ref() {
            return SessionRef.newBuilder().setMember(0).setGeneration(1).build();
        }

        @Override
        public Ending control(Order o) {
            return o.hasStop() ? Ending.stop(o.getStop().getReason()) : o.hasEvict() ? Ending.rejoin("evicted") : null;
        }

        @Override
        public Ending broken(Signal.Broken b) {
            return Ending.rejoin(b.reason());
        }

        @Override
        public Ending urgent() {
            return null;
        }

        @Override
        public boolean closed() {
            return false;
        }
    }

    /**
     * θ₀ from memory; each push is recorded, counts as applied, and is answered as the coordinator
     * would after the fragment's outer step: its new values, for the next round. After {@code stopAfter}
     * pushes the run stops.
     */
    static final class FakeTransfers implements Transfers {
        final FakeSession session;
        final RunDefinition run;
        final int stopAfter;
        final List<DeltaHeader> pushed = new CopyOnWriteArrayList<>();

        FakeTransfers(FakeSession session, RunDefinition run, int stopAfter) {
            this.session = session;
            this.run = run;
            this.stopAfter = stopAfter;
        }

        @Override
        public Pulled pull(ThetaRef r) {
            return new Pulled(r.getVersion(), new float[Math.toIntExact(r.getFloats())]);
        }

        @Override
        public void fetch(FragmentOrder f) {
            throw new AssertionError("the loop never fetches: the session does");
        }

        @Override
        public DeltaHeader header(int fragment, long base, long assignment, TrainTally trained, Outgoing out) {
            return DeltaHeader.newBuilder().setFragment(fragment).setBaseVersion(base).setAssignment(assignment).setSteps(trained.steps()).build();
        }

        @Override
        public Ending push(Replica replica, DeltaHeader h, Outgoing out, Supplier<Ending> abandon) {
            pushed.add(h);
            replica.settle(h.getFragment(), true);
            int p = h.getFragment();
            // The coordinator's next slot of this fragment: ids 100 + 10·round + fragment, distinct per slot.
            long round = h.getBaseVersion() + 1;
            FragmentOrder f = FragmentOrder.newBuilder().setFragment(p).setRound(round).setAlpha(0.5).setAssignment(100 + 10 * round + p).build();
            session.post(new Signal.Arrived(f, new float[run.plan().fragment(p).arraySize()]));
            if (pushed.size() == stopAfter) session.post(new Signal.Ord(Order.newBuilder().setStop(Notice.newBuilder().setReason("done")).build()));
            return null;
        }
    }

    /** Two fragments, H = 8, τ = 1. */
    static RunDefinition streamingRun() {
        FragmentPlan plan = FragmentPlanner.plan(PROBLEM.layout(), 2, BlockAssignment.SEQUENTIAL);
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(8).overlap(1).minWorkers(1).build();
        return RunDefinition.of("# streaming\n", cfg, plan, 1024);
    }

    @Test
    void sendsEachFragmentOnTheScheduleAndMergesItsNewRoundBeforeSendingItAgain() {
        RunDefinition run = streamingRun();
        FakeSession session = new FakeSession();
        FakeTransfers transfers = new FakeTransfers(session, run, 6);
        List<String> log = new ArrayList<>();
        try (WorkerClient unused = WorkerClient.over(InProcessChannelBuilder.forName("nowhere"), Token.of("test-token-0123456789"));
             WorkerRuntime worker = new WorkerRuntime(unused, WorkerOptions.named("w"),
                     (r, shard, threads) -> new ToyTrainer(PROBLEM, shard, 16, 0.02, 100 + shard), log::add)) {
            TrainOrder order = TrainOrder.newBuilder().setOpenEnded(true).setShard(0).addRounds(0).addRounds(0).setAssignment(7)
                    .setTheta(ThetaRef.newBuilder().setId(1).setFragment(-1).setFloats(run.modelSize())).build();
            Ending end = new StreamingLoop(worker, session, transfers, run, new Accounting()).run(order);

            assertThat(end.kind()).isEqualTo(Ending.Kind.STOP);
            // Pushes leave on a thread of their own: the loop may send one more before it takes the stop.
            List<DeltaHeader> pushed = transfers.pushed.subList(0, 6);
            assertThat(transfers.pushed).hasSizeBetween(6, 7);
            // The schedule staggers the fragments: the last one leaves first.
            assertThat(pushed).extracting(DeltaHeader::getFragment).containsExactly(1, 0, 1, 0, 1, 0);
            // Each fragment's pushes refer to rounds 0, 1, 2: the merge of round r+1 came in between.
            for (int p = 0; p < 2; p++) {
                int fragment = p;
                assertThat(pushed.stream().filter(h -> h.getFragment() == fragment).map(DeltaHeader::getBaseVersion))
                        .containsExactly(0L, 1L, 2L);
                // Each push answers its slot: the train order's (7 + fragment) first, then the one each merged fragment order opened.
                assertThat(pushed.stream().filter(h -> h.getFragment() == fragment).map(DeltaHeader::getAssignment))
                        .containsExactly(7L + fragment, 110L + fragment, 120L + fragment);
            }
            // Four steps between sends (H = 8 over two fragments), reported with each push.
            assertThat(pushed.subList(1, 6)).extracting(DeltaHeader::getSteps).containsOnly(4);
        }
    }
}
