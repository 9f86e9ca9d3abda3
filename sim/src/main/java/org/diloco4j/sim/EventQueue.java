package org.diloco4j.sim;

import java.util.PriorityQueue;

/**
 * The virtual clock: actions scheduled at virtual times run in time order; ties run in the order
 * they were scheduled, so the same inputs always give the same run.
 */
final class EventQueue {
    private record Entry(double time, long seq, Runnable action) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> {
        int c = Double.compare(a.time, b.time);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    private long seq;
    private double now;

    double now() {
        return now;
    }

    void at(double time, Runnable action) {
        if (!(time >= now)) throw new IllegalStateException("cannot schedule at " + time + " before now " + now);
        queue.add(new Entry(time, seq++, action));
    }

    /** Runs the next action; false if none is left. */
    boolean step() {
        Entry e = queue.poll();
        if (e == null) return false;
        now = e.time;
        e.action.run();
        return true;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    void clear() {
        queue.clear();
    }
}
