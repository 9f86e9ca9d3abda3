package org.diloco4j.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The virtual clock: events scheduled at virtual times come out in time order; ties in the order
 * they were scheduled, so the same inputs always give the same run.
 */
final class EventQueue {
    record Entry(double time, long seq, SimEvent event) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            int c = Double.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long seq;
    private double now;

    double now() {
        return now;
    }

    void at(double time, SimEvent event) {
        if (!(time >= now)) throw new IllegalStateException("cannot schedule at " + time + " before now " + now);
        queue.add(new Entry(time, seq++, event));
    }

    /** The next event, with the clock advanced to its time; null if none is left. */
    SimEvent next() {
        Entry e = queue.poll();
        if (e == null) return null;
        now = e.time;
        return e.event;
    }

    /** The queue's state for a checkpoint: its entries (in no particular order), the next sequence number and the clock. */
    record State(List<Entry> entries, long seq, double now) {
    }

    State state() {
        return new State(new ArrayList<>(queue), seq, now);
    }

    static EventQueue restore(State s) {
        EventQueue q = new EventQueue();
        q.queue.addAll(s.entries());
        q.seq = s.seq();
        q.now = s.now();
        return q;
    }

    int size() {
        return queue.size();
    }

    void clear() {
        queue.clear();
    }
}
