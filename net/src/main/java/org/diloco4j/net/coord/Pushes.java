package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.DecisionKind;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.net.metrics.RejectReason;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.wire.Refusals;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * What a pushed pseudo-gradient comes to: handed to the coordinator as an event, and answered from
 * the commands it returns — rejected with their code, or accepted and applied or not. A retried
 * push is answered again without reaching the coordinator twice. Event loop only.
 */
final class Pushes {
    private final BooleanSupplier over;
    private final Predicate<Session> live;
    private final DoubleSupplier now;
    /** Hands an event to the coordinator and carries out its commands (which reach {@link #rejected}/{@link #unapplied}). */
    private final Consumer<Event> deliver;
    private final RuntimeListener listener;
    private final MetricsFeed feed;
    private final int fragments;
    // What the coordinator answered the event being handled (its commands; never its metric records).
    private final Map<Integer, Command.Reject> rejected = new HashMap<>();
    /** Member → why its pseudo-gradient, in the event being handled, will not reach θ. */
    private final Map<Integer, String> unapplied = new HashMap<>();

    /**
     * @param over    whether the run has ended or is ending
     * @param live    whether a session is still its member's live one
     * @param deliver hands an event to the coordinator and carries out its commands
     */
    Pushes(BooleanSupplier over, Predicate<Session> live, DoubleSupplier now, Consumer<Event> deliver, RuntimeListener listener,
           MetricsFeed feed, int fragments) {
        this.over = over;
        this.live = live;
        this.now = now;
        this.deliver = deliver;
        this.listener = listener;
        this.feed = feed;
        this.fragments = fragments;
    }

    /** A new event is about to be handled. */
    void clear() {
        rejected.clear();
        unapplied.clear();
    }

    void rejected(Command.Reject r) {
        rejected.put(r.member(), r);
    }

    void unapplied(Command.Unapplied u) {
        unapplied.putIfAbsent(u.member(), u.reason());
    }

    /**
     * Hands a complete, intact upload to the coordinator, which reads it by position (the async
     * methods decode and apply it block by block, the others decode it whole); returns the worker's answer.
     */
    PushReply apply(Session s, DeltaHeader h, EncodedSource data) {
        if (s.lastPushReply != null && h.getPushId() <= s.lastPushId) return s.lastPushReply;
        if (over.getAsBoolean()) {
            feed.metrics().rejected(RejectReason.of(Refusal.RUN_OVER));
            return PushReply.newBuilder().setAccepted(false).setRefusal(Refusals.toProto(Refusal.RUN_OVER)).setReason("the run is over").build();
        }
        PushReply.Builder reply = PushReply.newBuilder();
        if (!h.getWithheld().isEmpty()) {
            // The worker has nothing to send (it diverged): its assignment produced no contribution.
            deliver.accept(new Event.Idle(s.member, h.getSession().getGeneration(), h.getAssignment(), h.getFragment(),
                    "withheld by the worker: " + h.getWithheld(), now.getAsDouble()));
            Command.Reject no = rejected.get(s.member);
            if (no != null) reply.setAccepted(false).setRefusal(Refusals.toProto(no.code())).setReason(no.reason());
            else reply.setAccepted(true).setApplied(false).setReason("noted: nothing to apply");
        } else {
            deliver.accept(new Event.Delta(s.member, h.getSession().getGeneration(), h.getAssignment(), h.getBaseVersion(), h.getFragment(), h.getSteps(),
                    h.getTokens(), h.getComputeSeconds(), new Payload.Encoded(h.getCodec(), data), now.getAsDouble()));
            Command.Reject no = rejected.get(s.member);
            String dropped = unapplied.get(s.member);
            if (no != null) reply.setAccepted(false).setRefusal(Refusals.toProto(no.code())).setReason(no.reason());
            else reply.setAccepted(true).setApplied(dropped == null).setReason(dropped != null ? "received but not applied: " + dropped : "");
            // Only the figures of a push that passed the checks reach the report (a replay's or a liar's never do).
            if (no == null) trainLoss(s, h);
        }
        s.lastPushId = h.getPushId();
        s.lastPushReply = reply.build();
        return s.lastPushReply;
    }

    private void trainLoss(Session s, DeltaHeader h) {
        if (!Double.isFinite(h.getTrainLoss()) || h.getSteps() <= 0) return;
        double tps = h.getComputeSeconds() > 0 ? h.getTokens() / h.getComputeSeconds() : Double.NaN;
        listener.metric(new Metric.TrainLoss(s.name, h.getWorkerStep(), h.getTrainLoss(), h.hasInnerLr() ? h.getInnerLr() : Double.NaN,
                h.hasGradNorm() ? h.getGradNorm() : Double.NaN, tps, now.getAsDouble()));
        feed.metrics().trainLoss(s.name, h.getTrainLoss());
    }

    /**
     * An upload the transport refused before it reached the coordinator (too large, corrupt,
     * truncated): logged as a rejection, and the member's assignment counts as producing nothing.
     */
    void refused(Session s, DeltaHeader h, String reason) {
        listener.metric(new Metric.Decision(DecisionKind.REJECT, s.member, s + " push refused: " + reason, now.getAsDouble()));
        if (over.getAsBoolean() || !live.test(s)) return;
        int fragment = h.getFragment() >= 0 && h.getFragment() < fragments ? h.getFragment() : 0;
        deliver.accept(new Event.Idle(s.member, s.generation, h.getAssignment(), fragment, "push refused: " + reason, now.getAsDouble()));
    }
}
