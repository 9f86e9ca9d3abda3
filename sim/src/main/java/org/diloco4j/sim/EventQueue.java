package org.diloco4j.sim;

import java.io.Serializable;
import java.util.PriorityQueue;

/**
 * The virtual clock: events scheduled at virtual times come out in time order; ties in the order
 * they were scheduled, so the same inputs always give the same run.
 */
final class EventQueue implements Serializable {
    record Entry(double time, long seq, SimEvent event) implements Comparable<Entry>, Serializable {
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

    int size() {
        return queue.size();
    }

    void clear() {
        queue.clear();
    }
}
