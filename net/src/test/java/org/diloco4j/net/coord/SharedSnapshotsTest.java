package org.diloco4j.net.coord;

import io.grpc.Status;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.Refusal;
import org.diloco4j.net.proto.ThetaChunk;
import org.diloco4j.net.proto.TrainOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asynchronous pulls within a budget of one encoded θ: members share the newest snapshot, are told
 * which version they got, and push from it; a pull that needs a newer θ waits while the only
 * snapshot is streamed; a slow reader is sent only what it asked for; a broken pull resumes the same
 * bytes, and one whose snapshot is gone is told to pull the newest again.
 */
class SharedSnapshotsTest {
    static final int FLOATS = 1 << 16;
    /** bf16: 128 KiB of θ (and an 8-byte header) in 4 KiB chunks. */
    static final int CHUNK = 4 << 10;

    PullCluster c;

    /** Both members have their first train orders (v0): the run starts when the second joins. */
    static void started(PullCluster.Member a, PullCluster.Member b) throws InterruptedException {
        assertThat(a.nextTrain().getVersion()).isZero();
        assertThat(b.nextTrain().getVersion()).isZero();
    }

    /** Two members of a new cluster, both given their first orders. */
    record Two(PullCluster.Member a, PullCluster.Member b) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
        }
    }

    Two two() throws Exception {
        c = new PullCluster(FLOATS, 2, "bf16", CHUNK);
        Two two = new Two(c.member("a"), c.member("b"));
        started(two.a(), two.b());
        return two;
    }

    @AfterEach
    void close() {
        if (c != null) c.close();
    }

    @Test
    void membersShareTheNewestSnapshotAndPushFromTheVersionServed() throws Exception {
        c = new PullCluster(FLOATS, 2, "bf16", CHUNK);
        try (PullCluster.Member a = c.member("a"); PullCluster.Member b = c.member("b")) {
            TrainOrder ta = a.nextTrain();
            TrainOrder tb = b.nextTrain();
            assertThat(ta.getTheta().getNewest()).isTrue();
            assertThat(tb.getVersion()).isZero();
            assertThat(c.runtime.snapshots().budget()).isEqualTo(Codecs.parse("bf16").encodedSize(FLOATS));
            assertThat(c.runtime.snapshots().count()).as("nothing is encoded when orders are issued").isZero();

            PullCluster.Got first = a.pull(0, 0);
            assertThat(first.version()).isZero();
            assertThat(first.intact()).isTrue();
            assertThat(first.bytes()).isEqualTo(Codecs.parse("bf16").encode(c.theta0));
            assertThat(a.push(0, 0.001f).getAccepted()).isTrue();
            assertThat(a.nextTrain().getVersion()).isEqualTo(1);
            PullCluster.Got second = a.pull(0, 0);
            assertThat(second.version()).isEqualTo(1);
            assertThat(second.snapshot()).isNotEqualTo(first.snapshot());

            // b's order named v0; v1 is the newest kept: b is served it, and told so.
            PullCluster.Got served = b.pull(0, 0);
            assertThat(served.version()).isEqualTo(1);
            assertThat(served.snapshot()).isEqualTo(second.snapshot());
            PushReply old = b.push(0, 0.001f);
            assertThat(old.getAccepted()).isFalse();
            assertThat(old.getRefusal()).isEqualTo(Refusal.REFUSAL_REPLAY);
            assertThat(b.push(1, 0.001f).getAccepted()).isTrue();
            Metric.OuterStep step = c.steps().getLast();
            assertThat(step.contributors()).containsExactly(b.joined.getSession().getMember());
            assertThat(step.staleness()).as("staleness from the version served (v1), not the order's (v0)").containsExactly(0L);
            assertThat(c.runtime.snapshots().peakCount()).isEqualTo(1);
            assertThat(c.runtime.snapshots().servedNewer()).isEqualTo(1);
        }
    }

    @Test
    void aPullOfANewerThetaWaitsWhileTheOnlySnapshotIsStreamed() throws Exception {
        try (Two two = two()) {
            PullCluster.Member a = two.a();
            PullCluster.Member b = two.b();
            PullCluster.SlowPull slow = a.slowPull(0, 0, 1);
            assertThat(slow.next().getVersion()).isZero();
            // b pushes without pulling (its θ is v0 all the same): θ moves to v1 while v0 is being streamed to a.
            assertThat(b.push(0, 0.001f).getAccepted()).isTrue();
            assertThat(b.nextTrain().getVersion()).isEqualTo(1);
            java.util.concurrent.CompletableFuture<PullCluster.Got> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> b.pull(0, 0));
            PullCluster.waitFor(() -> c.runtime.snapshots().waiting() == 1);
            assertThat(waiting).isNotDone();
            assertThat(c.runtime.snapshots().count()).isEqualTo(1);

            slow.request(1000);
            assertThat(slow.done.get(10, java.util.concurrent.TimeUnit.SECONDS).isOk()).isTrue();
            PullCluster.Got got = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(got.version()).isEqualTo(1);
            assertThat(got.intact()).isTrue();
            assertThat(c.runtime.snapshots().peakCount()).as("never two snapshots of one budget").isEqualTo(1);
            assertThat(c.runtime.snapshots().peakBytes()).isLessThanOrEqualTo(c.runtime.snapshots().budget());
        }
    }

    @Test
    void aSlowReaderIsSentOnlyWhatItAskedFor() throws Exception {
        c = new PullCluster(FLOATS, 1, "bf16", CHUNK);
        try (PullCluster.Member a = c.member("a")) {
            a.nextTrain();
            PullCluster.SlowPull slow = a.slowPull(0, 0, 1);
            slow.next();
            // The pull was started on the event loop: once a query has run there, its first burst is over.
            c.runtime.snapshots();
            assertThat(c.chunksSent.get()).as("chunks sent after 1 was asked for").isEqualTo(1);
            int asked = 1;
            for (int round = 0; round < 5; round++) {
                slow.request(3);
                asked += 3;
                for (int i = 0; i < 3; i++) slow.next();
                assertThat(c.chunksSent.get()).as("chunks sent after %d were asked for", asked).isLessThanOrEqualTo(asked + 1);
            }
            slow.request(1000);
            assertThat(slow.done.get(10, java.util.concurrent.TimeUnit.SECONDS).isOk()).isTrue();
            long bytes = Codecs.parse("bf16").encodedSize(FLOATS);
            assertThat(c.chunksSent.get()).as("every chunk once").isEqualTo((bytes + CHUNK - 1) / CHUNK);
        }
    }

    @Test
    void aBrokenPullResumesTheSameBytesAndAGoneSnapshotIsAborted() throws Exception {
        try (Two two = two()) {
            PullCluster.Member a = two.a();
            PullCluster.Member b = two.b();
            PullCluster.SlowPull broken = a.slowPull(0, 0, 3);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            ThetaChunk firstChunk = broken.next();
            firstChunk.getData().writeTo(head);
            broken.next().getData().writeTo(head);
            broken.next().getData().writeTo(head);
            broken.cancel();
            assertThat(broken.done.get(10, java.util.concurrent.TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);

            PullCluster.Got rest = a.pull(firstChunk.getSnapshot(), head.size());
            assertThat(rest.version()).isZero();
            head.write(rest.bytes());
            assertThat(head.toByteArray()).isEqualTo(Codecs.parse("bf16").encode(c.theta0));
            assertThat(new PullCluster.Got(0, 0, head.toByteArray(), rest.crc()).intact()).isTrue();

            // b's push and pull make v1 the one snapshot: v0, unused, is dropped.
            assertThat(b.push(0, 0.001f).getAccepted()).isTrue();
            b.nextTrain();
            assertThat(b.pull(0, 0).version()).isEqualTo(1);
            try {
                a.pull(firstChunk.getSnapshot(), head.size() / 2);
                throw new AssertionError("a gone snapshot was resumed");
            } catch (io.grpc.StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                assertThat(e.getStatus().getDescription()).contains("no longer kept").contains("pull the newest θ again");
            }
            assertThat(a.pull(0, 0).version()).isEqualTo(1);
            assertThat(a.push(1, 0.001f).getAccepted()).isTrue();
        }
    }
}
