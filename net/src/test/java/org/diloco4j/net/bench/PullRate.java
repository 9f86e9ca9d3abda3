package org.diloco4j.net.bench;

/**
 * How often a bench worker pulls θ ({@link BenchWorkers}): on its first train order always (it needs a
 * version to push from), then on every {@code every}-th order; {@code every = 0} never again. Every
 * order (1) is a real worker's pattern: one pull of bf16 θ (2 bytes per parameter) per push of int8
 * (1 byte), so a coordinator sends twice what it ingests. Fewer pulls leave the coordinator's CPU to
 * the push path: receive, spool, checks, apply and the event loop.
 *
 * @param every pull on orders 0, every, 2·every, …; 0: on order 0 only
 */
record PullRate(int every) {
    static final PullRate EVERY_ORDER = new PullRate(1);
    static final PullRate FIRST_ONLY = new PullRate(0);

    PullRate {
        if (every < 0) throw new IllegalArgumentException("pull every " + every + " orders: must be >= 0 (0: only the first)");
    }

    /** Parses {@code --pull-every}: a whole number of orders ≥ 0, or "first" (0). */
    static PullRate parse(String s) {
        if (s.equals("first")) return FIRST_ONLY;
        try {
            return new PullRate(Integer.parseInt(s.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--pull-every '" + s + "': a whole number of orders >= 0, or 'first' (pull θ once, then only push)");
        }
    }

    /** Whether the worker pulls θ for its {@code order}-th train order (from 0). */
    boolean pulls(long order) {
        return order == 0 || every > 0 && order % every == 0;
    }

    /** The label result files carry: "every order", "first only", "every 4th order". */
    String label() {
        return every == 1 ? "every order" : every == 0 ? "first only" : "every " + every + " orders";
    }
}
