package org.diloco4j.sim;

/** Something that happens to a worker at a given virtual time. */
public sealed interface Fault {
    double at();

    /** The worker's process dies; the coordinator notices after the session timeout. Its state is lost. */
    record Crash(String worker, double at) implements Fault {
    }

    /** The worker leaves cleanly. */
    record Leave(String worker, double at) implements Fault {
    }

    /** A worker joins (a new one, or one that crashed or left earlier, with fresh state). */
    record Join(WorkerSpec worker, double at) implements Fault {
    }

    /**
     * The worker's link is down between {@code at} and {@code until}: transfers wait for it to
     * come back; if it stays down longer than the session timeout the worker is declared lost and
     * rejoins (keeping its local state) when the link returns.
     */
    record Partition(String worker, double at, double until) implements Fault {
        public Partition {
            if (!(until > at)) throw new IllegalArgumentException("partition of " + worker + " ends (" + until + ") before it starts (" + at + ")");
        }
    }
}
