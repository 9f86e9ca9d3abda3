package org.diloco4j.core.worker;

import org.diloco4j.core.stream.StreamingSchedule;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker side of Streaming DiLoCo, written once for both drivers: which fragment's
 * pseudo-gradient to send after which inner step, when to merge the global values that come back
 * (τ steps after the send, waiting for them if they are late), and the inbox of values not merged
 * yet. It knows neither time nor transport: the driver reports what arrived and what it trained,
 * and asks what to do next.
 *
 * <p>At a step boundary the driver calls {@link #next()} until it answers {@link Action.Wait} or
 * {@link Action.Train}:
 * <ul>
 *   <li>{@code Send(f)}: encode and send fragment f's pseudo-gradient now (its merge is now pending);</li>
 *   <li>{@code Merge(f, a)}: merge arrival {@code a} of fragment f into the replica now;</li>
 *   <li>{@code Wait(f)}: f's merge is due and its values have not come; do nothing until
 *       {@link #arrived} returns true, then call {@code next()} again;</li>
 *   <li>{@code Train(n)}: train n inner steps (to the next send or due merge), then {@link #stepsDone}.</li>
 * </ul>
 * Due merges go first, in send order; values that arrive without a pending merge (a joiner's first
 * rounds) merge at the next boundary, fragment by fragment, in arrival order.
 *
 * <p>Not thread-safe: one driver thread owns it. A checkpoint holds its {@link #state()}; {@link #restore} continues from it.
 *
 * @param <A> what the driver keeps of an arrival (the command and the decoded values); the worker
 *            only queues and hands it back
 */
public final class StreamingWorker<A> {
    /** Fragment {@code fragment}'s outer result merges when inner step {@code step} is done. */
    public record PendingMerge(int fragment, long step) {
    }

    /** What the driver does next. */
    public sealed interface Action<A> {
        record Send<A>(int fragment) implements Action<A> {
        }

        record Merge<A>(int fragment, A arrival) implements Action<A> {
        }

        record Wait<A>(int fragment) implements Action<A> {
        }

        record Train<A>(int steps) implements Action<A> {
        }
    }

    /**
     * Everything that changes, for a checkpoint.
     *
     * @param step         inner steps counted on the schedule (its step convention: sends follow steps ≥ 1)
     * @param lastSentStep the step after which the last send happened (-1: none), so a send is not repeated
     * @param pending      merges not done yet, in send order
     * @param inbox        per fragment, the arrivals not merged yet, oldest first
     * @param waitingFor   the fragment the worker waits for, or -1
     */
    public record State<A>(long step, long lastSentStep, List<PendingMerge> pending, List<List<A>> inbox, int waitingFor) {
        public State {
            pending = List.copyOf(pending);
            inbox = inbox.stream().map(List::copyOf).toList();
        }
    }

    private final StreamingSchedule schedule;
    private final StreamingPhase phase;
    private long step;
    private long lastSentStep = -1;
    private final ArrayDeque<PendingMerge> pending = new ArrayDeque<>();
    private final List<ArrayDeque<A>> inbox = new ArrayList<>();
    private int waitingFor = -1;

    public StreamingWorker(StreamingSchedule schedule) {
        this.schedule = schedule;
        this.phase = new StreamingPhase(schedule);
        for (int f = 0; f < schedule.fragments(); f++) inbox.add(new ArrayDeque<>());
    }

    /**
     * Begins an open-ended assignment from θ at the given fragment rounds: forgets what an earlier
     * one left and starts counting where the running workers are ({@link StreamingPhase#startStep}).
     */
    public void start(long[] rounds) {
        stop();
        step = phase().startStep(rounds);
    }

    /** Drops pending merges and arrivals: the worker's assignment ended (it left, crashed or was evicted). */
    public void stop() {
        step = 0;
        lastSentStep = -1;
        pending.clear();
        for (ArrayDeque<A> box : inbox) box.clear();
        waitingFor = -1;
    }

    /** The next thing to do at the current step boundary (see the class comment). */
    public Action<A> next() {
        waitingFor = -1;
        int p = phase().fragmentSentAfter(step);
        if (p >= 0 && lastSentStep != step) {
            lastSentStep = step;
            pending.add(new PendingMerge(p, schedule.mergeStep(step)));
            return new Action.Send<>(p);
        }
        PendingMerge due = pending.peek();
        if (due != null && due.step() == step) {
            A a = inbox.get(due.fragment()).poll();
            if (a == null) {
                waitingFor = due.fragment();
                return new Action.Wait<>(due.fragment());
            }
            pending.poll();
            return new Action.Merge<>(due.fragment(), a);
        }
        for (int f = 0; f < inbox.size(); f++) {
            if (expectsMerge(f)) continue;
            A a = inbox.get(f).poll();
            if (a != null) return new Action.Merge<>(f, a);
        }
        return new Action.Train<>((int) (boundary() - step));
    }

    /**
     * Fragment {@code fragment}'s global values have arrived. Returns true if the worker was waiting
     * for them: the driver then resumes it with {@link #next()}.
     */
    public boolean arrived(int fragment, A arrival) {
        if (fragment < 0 || fragment >= inbox.size()) {
            throw new IllegalArgumentException("fragment " + fragment + " arrived; the schedule has fragments [0, " + inbox.size() + ")");
        }
        inbox.get(fragment).add(arrival);
        if (waitingFor != fragment) return false;
        waitingFor = -1;
        return true;
    }

    /** The driver trained {@code n} inner steps, as {@link Action.Train} asked. */
    public void stepsDone(int n) {
        if (n < 1 || n > boundary() - step) {
            throw new IllegalArgumentException("trained " + n + " steps from step " + step + "; the next boundary is at " + boundary());
        }
        step += n;
    }

    /** Inner steps counted on the schedule so far. */
    public long step() {
        return step;
    }

    public State<A> state() {
        List<List<A>> boxes = new ArrayList<>();
        for (ArrayDeque<A> box : inbox) boxes.add(List.copyOf(box));
        return new State<>(step, lastSentStep, List.copyOf(pending), boxes, waitingFor);
    }

    public void restore(State<A> s) {
        if (s.inbox().size() != inbox.size()) {
            throw new IllegalArgumentException("streaming state has " + s.inbox().size() + " fragments; this schedule has " + inbox.size());
        }
        stop();
        step = s.step();
        lastSentStep = s.lastSentStep();
        pending.addAll(s.pending());
        for (int f = 0; f < inbox.size(); f++) inbox.get(f).addAll(s.inbox().get(f));
        waitingFor = s.waitingFor();
    }

    /** The next step at which something happens: a send, or the oldest pending merge. */
    private long boundary() {
        long next = phase().nextSendAfter(step);
        return pending.isEmpty() ? next : Math.min(next, pending.peek().step());
    }

    private boolean expectsMerge(int f) {
        for (PendingMerge m : pending) if (m.fragment() == f) return true;
        return false;
    }

    private StreamingPhase phase() {
        return phase;
    }
}
