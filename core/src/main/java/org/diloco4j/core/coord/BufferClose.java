package org.diloco4j.core.coord;

import java.util.Locale;

/**
 * When Delayed Nesterov's buffer closes, i.e. when its momentum moves.
 *
 * <p>{@link #ARRIVALS}: after every N arrivals (the paper), each arrival applied as an SGD step of
 * η/N at once. With workers of any speed this staggers their restarts: a worker handed θ right after
 * its own arrival starts from a θ without the buffer's momentum step, which the others' later
 * pseudo-gradients then carry again. Measured on four equal GPT workers (1M tokens), DN ended at a
 * held-out loss of 3.21 against synchronous DiLoCo's 2.75.
 *
 * <p>{@link #WINDOW}: the grace window closes the buffer. The arrivals of one window (each worker
 * that finishes within the grace period of the first, held meanwhile) are summed, divided by N and
 * applied as one Nesterov step, and every held worker restarts from the result. The window closes
 * at the end of the grace period, or as soon as no worker is still training (nobody else can join
 * it), so with balanced assignments a worker waits only for the spread of the arrivals. With c = 0 a full
 * buffer gives exactly DN's update (η/N Σ g plus η μ m with m ← μ m + Σ g / N); what changes is that
 * the momentum moves at the window's end however many arrived. When all k workers finish within
 * the window (what Dynamic Local Updates aims for) this is synchronous DiLoCo's round, without
 * anyone waiting for a worker slower than the window.
 */
public enum BufferClose {
    ARRIVALS, WINDOW;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BufferClose parse(String s) {
        for (BufferClose b : values()) if (b.id().equalsIgnoreCase(s.strip())) return b;
        throw new IllegalArgumentException("buffer close '" + s + "': expected arrivals or window");
    }
}
