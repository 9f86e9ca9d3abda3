package org.diloco4j.net.coord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.net.proto.PushReply;

/**
 * Pushes handed to the coordinator one event each, with {@link Coordinator#moreFollow} saying whether
 * another push already waits for the loop: then an asynchronous step the coordinator clears is counted
 * and its pass over θ runs with the next push's, or the next two's (one pass for two or three:
 * docs/bench/paired-arrivals.md). A push whose pass waits is answered only once it ran — its answer frees
 * its upload and spool file ({@code DilocoService}), whose bytes the pass still reads. The passes that
 * wait are always the last pushes' ({@link Coordinator#deferredSteps}, at most two), so after each event
 * every earlier push is answered; a push that does not defer its own flushes what waits. Event loop
 * only, but {@link #queued} (the transport's threads).
 */
final class DeferredReplies {
    private final Coordinator coordinator;
    /** Whether steps may wait at all: asynchronous methods, whose orders name the newest θ (read at pull time, through a flush). */
    private final boolean enabled;
    /** Pushes handed to the loop whose event has not started: more follow while it is above zero. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Answers of pushes whose pass waits (at most two), in arrival order. */
    private final List<Waiting> waiting = new ArrayList<>();

    DeferredReplies(Coordinator coordinator, boolean enabled) {
        this.coordinator = coordinator;
        this.enabled = enabled;
    }

    /** A push is about to be handed to the loop (any thread, before {@link #handle} is queued). */
    void queued() {
        queued.incrementAndGet();
    }

    /**
     * Handles one push's event ({@code event}, on the loop) and answers it in {@code answer} — at once,
     * or once its deferred pass ran. An exception of type {@code declined} (the coordinator's spool
     * unreadable: nothing was decided) fails only the answer; any other fails it and is rethrown (the
     * loop's internal error, which then {@link #abandon}s what waits).
     */
    void handle(Supplier<PushReply> event, CompletableFuture<PushReply> answer, Class<? extends RuntimeException> declined) {
        int more = queued.decrementAndGet();
        long before = coordinator.deferrals();
        coordinator.moreFollow(enabled && more > 0);
        PushReply reply;
        try {
            reply = event.get();
        } catch (RuntimeException e) {
            coordinator.moreFollow(false);
            answer.completeExceptionally(e);
            if (!declined.isInstance(e)) throw e;
            settle();
            return;
        }
        coordinator.moreFollow(false);
        if (coordinator.deferrals() != before && coordinator.deferredSteps() > 0) {
            // This push's pass waits for the next push, and so may the one before's (the last deferredSteps() of them);
            // any earlier one's has run.
            waiting.add(new Waiting(answer, reply));
            answerAllBut(coordinator.deferredSteps());
        } else {
            settle();
            answer.complete(reply);
        }
    }

    /** Runs the pass that waits, if any, and answers the pushes it held (the loop's end, or a push that did not defer). */
    void settle() {
        coordinator.flush();
        answerWaiting();
    }

    /**
     * The loop failed: the pushes still waiting are answered with its error (their steps were counted but
     * not applied; the run stops without a checkpoint of this state, so the last one is where it continues).
     */
    void abandon(Throwable t) {
        for (Waiting w : waiting) w.answer().completeExceptionally(t);
        waiting.clear();
    }

    private void answerWaiting() {
        answerAllBut(0);
    }

    /** Answers the pushes waiting but the last {@code keep} (whose passes still wait), oldest first. */
    private void answerAllBut(int keep) {
        int done = Math.max(0, waiting.size() - keep);
        for (int i = 0; i < done; i++) waiting.get(i).answer().complete(waiting.get(i).reply());
        waiting.subList(0, done).clear();
    }

    private record Waiting(CompletableFuture<PushReply> answer, PushReply reply) {
    }
}
