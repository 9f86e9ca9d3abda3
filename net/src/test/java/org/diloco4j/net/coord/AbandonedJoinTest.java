package org.diloco4j.net.coord;

import io.grpc.Context;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A join that waited behind a long pause of the event loop (a live checkpoint of a 1B-parameter
 * model takes longer than the worker's 30 s join deadline) and whose caller gave up meanwhile is not
 * admitted: it would be a member no process holds (a ghost the coordinator waits for until its
 * session times out). The pause is a latch the loop waits on; the deadline, the join call's gRPC
 * context cancelled while the loop is held.
 */
class AbandonedJoinTest {
    static final int N = 16;
    final List<String> log = new CopyOnWriteArrayList<>();
    final CoordinatorConfig config = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).minWorkers(2).build();
    final RuntimeOptions opts = RuntimeOptions.defaults();
    final RunDefinition run = RunDefinition.of("# abandoned join\n", config, FragmentPlan.whole(N), opts.chunkBytes());
    final CoordinatorRuntime rt = CoordinatorRuntime.start(run, new Coordinator(config, run.plan(), new float[N], m -> { }), opts, null,
            new RuntimeListener() {
                public void metric(org.diloco4j.core.coord.Metric m) {
                }

                public void segment(String worker, org.diloco4j.core.run.Segment.Kind kind, double start, double end) {
                }

                public void log(String line) {
                    log.add(line);
                }
            }, null);

    @AfterEach
    void close() {
        rt.close();
    }

    static JoinRequest request(String name) {
        return JoinRequest.newBuilder().setName(name).setShard(-1).setInstance(UUID.randomUUID().toString()).setProtocol(Limits.PROTOCOL).build();
    }

    @Test
    void aJoinWhoseCallerGaveUpDuringAPauseIsNotAdmitted() throws Exception {
        CountDownLatch pause = new CountDownLatch(1);
        CountDownLatch paused = new CountDownLatch(1);
        CompletableFuture<Void> held = new CompletableFuture<>();
        Thread loopHolder = Thread.ofPlatform().start(() -> rt.query(c -> {
            paused.countDown();
            try {
                pause.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return held.complete(null);
        }));
        assertThat(paused.await(10, TimeUnit.SECONDS)).isTrue();

        Context.CancellableContext call = Context.current().withCancellation();
        CompletableFuture<JoinReply> ghost = call.call(() -> rt.join(request("ghost"), new Caller(null, "test")));
        CompletableFuture<JoinReply> waiting = rt.join(request("patient"), new Caller(null, "test"));
        call.cancel(null); // the worker's deadline passed while the loop was paused
        pause.countDown();
        loopHolder.join(10_000);

        assertThatThrownBy(() -> ghost.get(10, TimeUnit.SECONDS)).hasMessageContaining("given up");
        assertThat(waiting.get(10, TimeUnit.SECONDS).getAdmitted()).as("a join whose caller still waits").isTrue();
        assertThat(rt.query(Coordinator::memberCount)).as("members").isEqualTo(1);
        assertThat(log).anyMatch(l -> l.contains("dropped a join of 'ghost'"));
    }
}
