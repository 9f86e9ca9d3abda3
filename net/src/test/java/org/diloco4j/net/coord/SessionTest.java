package org.diloco4j.net.coord;

import io.grpc.stub.ServerCallStreamObserver;
import org.diloco4j.core.time.Clock;
import org.diloco4j.net.proto.Notice;
import org.diloco4j.net.proto.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTest {
    /** A subscriber that records what it is sent. */
    static final class Sink extends ServerCallStreamObserver<Order> {
        final List<Long> seqs = new ArrayList<>();
        boolean completed;

        @Override
        public void onNext(Order o) {
            seqs.add(o.getSeq());
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable r) {
        }

        @Override
        public void setCompression(String c) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable r) {
        }

        @Override
        public void request(int n) {
        }

        @Override
        public void setMessageCompression(boolean e) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }
    }

    static Order.Builder reject(String why) {
        return Order.newBuilder().setReject(Notice.newBuilder().setReason(why));
    }

    @Test
    void ordersWaitForASubscriberAndAreReplayedAfterAResubscription() {
        Session s = new Session(1, 1, "w", "i", new byte[16], Clock.SYSTEM);
        s.order(reject("a"));
        s.order(reject("b"));
        Sink first = new Sink();
        assertThat(s.attach(first, 0)).isTrue();
        assertThat(first.seqs).containsExactly(1L, 2L);
        s.order(reject("c"));
        assertThat(first.seqs).containsExactly(1L, 2L, 3L);
        // The stream broke after order 2 reached the worker: it resubscribes after 2 and gets 3 again.
        Sink second = new Sink();
        assertThat(s.attach(second, 2)).isTrue();
        assertThat(first.completed).isTrue();
        assertThat(second.seqs).containsExactly(3L);
    }

    @Test
    void aResubscriptionPastTheKeptHistoryIsRefused() {
        Session s = new Session(1, 1, "w", "i", new byte[16], Clock.SYSTEM);
        for (int i = 0; i < Session.HISTORY + 5; i++) s.order(reject("x"));
        assertThat(s.attach(new Sink(), 0)).isFalse();
        assertThat(s.attach(new Sink(), 5)).isTrue();
    }

    @Test
    void endingSendsTheLastOrderThenClosesTheStream() {
        Session s = new Session(1, 1, "w", "i", new byte[16], Clock.SYSTEM);
        Sink sink = new Sink();
        s.attach(sink, 0);
        s.end(Order.newBuilder().setEvict(Notice.newBuilder().setReason("bye")));
        assertThat(sink.seqs).containsExactly(1L);
        assertThat(sink.completed).isTrue();
        s.order(reject("late"));
        assertThat(sink.seqs).containsExactly(1L);
    }

    @Test
    void silenceIsMeasuredOnTheInjectedClockSinceTheLastTouch() {
        AtomicLong t = new AtomicLong(1_000);
        Session s = new Session(1, 1, "w", "i", new byte[16], t::get);
        t.addAndGet(2_500_000_000L);
        assertThat(s.silentSeconds()).isEqualTo(2.5);
        s.touch();
        assertThat(s.silentSeconds()).isZero();
    }
}
