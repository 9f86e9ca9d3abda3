package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import org.diloco4j.core.time.Clock;
import org.diloco4j.net.proto.Order;

import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A member's session on the coordinator: who it is, when it was last heard from, the orders issued
 * to it and the subscription they go down. Everything but the liveness clock and the push counter
 * belongs to the event loop.
 */
final class Session {
    /** Orders kept for replay to a worker that resubscribes after a broken stream. */
    static final int HISTORY = 64;

    final int member;
    final long generation;
    final String name;
    final String instance;
    /** The per-worker credential it was admitted with (its revocation ends the session), or null with the shared token. */
    String credential;
    private final byte[] key;
    /** The clock heartbeats are timed with (the runtime's). */
    private final Clock clock;
    private volatile long lastSeenNanos;
    final AtomicInteger pushesInFlight = new AtomicInteger();

    private ServerCallStreamObserver<Order> subscriber;
    private final ArrayDeque<Order> history = new ArrayDeque<>();
    private long nextSeq = 1;
    /** Slot (-1: the θ of the current assignment; p: fragment p) → id of the θ entry it still has to pull. */
    final Map<Integer, Long> holding = new HashMap<>();
    long lastPushId;
    org.diloco4j.net.proto.PushReply lastPushReply;
    boolean ended;
    /** The worker sent its last report (event loop). */
    boolean finalReported;
    /** What the worker process's heartbeat totals may say (null in tests of the session alone). */
    Reports.Ledger reports;

    Session(int member, long generation, String name, String instance, byte[] key, Clock clock) {
        this.clock = clock;
        this.member = member;
        this.generation = generation;
        this.name = name;
        this.instance = instance;
        this.key = key.clone();
        touch();
    }

    ByteString key() {
        return ByteString.copyFrom(key);
    }

    /** Constant-time comparison with the key a message presents. */
    boolean keyMatches(ByteString presented) {
        return MessageDigest.isEqual(key, presented.toByteArray());
    }

    /** The worker was heard from. */
    void touch() {
        lastSeenNanos = clock.nanos();
    }

    /** Seconds since the worker was last heard from. */
    double silentSeconds() {
        return clock.secondsSince(lastSeenNanos);
    }

    /** Issues an order: numbers it, keeps it for replay, and sends it if the worker is subscribed. */
    void order(Order.Builder b) {
        if (reports != null) reports.ordered(b);
        Order o = b.setSeq(nextSeq++).build();
        history.addLast(o);
        if (history.size() > HISTORY) history.removeFirst();
        send(o);
    }

    private void send(Order o) {
        if (subscriber == null || ended) return;
        try {
            subscriber.onNext(o);
        } catch (StatusRuntimeException | IllegalStateException e) {
            // The stream was cancelled under us: the worker resubscribes and the order is replayed.
            subscriber = null;
        }
    }

    /**
     * A (re)subscription: replaces any earlier stream and replays the orders after {@code afterSeq}.
     *
     * @return false if orders after {@code afterSeq} are no longer kept (the worker must rejoin)
     */
    boolean attach(ServerCallStreamObserver<Order> s, long afterSeq) {
        if (subscriber != null && subscriber != s) {
            try {
                subscriber.onCompleted();
            } catch (StatusRuntimeException | IllegalStateException e) {
                // Already gone.
            }
        }
        subscriber = s;
        Order oldest = history.peekFirst();
        if (oldest != null && afterSeq + 1 < oldest.getSeq()) return false;
        for (Order o : history) if (o.getSeq() > afterSeq) send(o);
        return true;
    }

    void detach(ServerCallStreamObserver<Order> s) {
        if (subscriber == s) subscriber = null;
    }

    /** Ends the session: an optional last order, then the end of the stream. */
    void end(Order.Builder last) {
        if (ended) return;
        if (last != null) order(last);
        ended = true;
        if (subscriber != null) {
            try {
                subscriber.onCompleted();
            } catch (StatusRuntimeException | IllegalStateException e) {
                // Already gone.
            }
            subscriber = null;
        }
    }

    @Override
    public String toString() {
        return name + "#" + member;
    }
}
