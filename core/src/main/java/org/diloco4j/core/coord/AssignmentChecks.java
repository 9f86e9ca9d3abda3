package org.diloco4j.core.coord;

/**
 * Whether the figures a push reports are what its assignment allows: a worker's own word on how
 * much it trained decides when the run ends (tokens) and how much work everyone is given (speeds),
 * so a figure it could not have produced is refused ({@link Refusal#IMPLAUSIBLE}) rather than
 * counted. The detail names the figure and what was allowed; the number never reaches a summary.
 *
 * <ul>
 *   <li>steps: at most the steps assigned (a streaming slot: H, the steps between two syncs of one
 *       fragment), and at least one for an assignment with a step count;</li>
 *   <li>tokens: exactly steps × tokens per step when the run knows that figure, else only ≥ 0;</li>
 *   <li>compute seconds: within the time since the assignment was issued, by the coordinator's own
 *       clock, times {@link #CLOCK_RATE} plus {@link #CLOCK_SLACK_SECONDS} (a worker's clock may run
 *       a little fast, and times are read at slightly different moments).</li>
 * </ul>
 */
final class AssignmentChecks {
    /** How much faster than the coordinator's a worker's clock may run: 5 %. */
    static final double CLOCK_RATE = 1.05;
    /** Seconds of slack on every compute time, for reading the two clocks at slightly different moments. */
    static final double CLOCK_SLACK_SECONDS = 2;

    private AssignmentChecks() {
    }

    /** Why the figures of {@code d}, answering {@code a}, are implausible at time {@code now}; null if they are not. */
    static String implausible(Event.Delta d, Assignment a, CoordinatorConfig cfg, double now) {
        int allowed = a.openEnded() ? cfg.innerSteps() : a.steps();
        if (d.steps() > allowed) return "steps " + d.steps() + " exceed the " + allowed + " assigned";
        if (!a.openEnded() && d.steps() < 1) return "steps " + d.steps() + " for an assignment of " + a.steps();
        if (cfg.tokensPerStep() > 0) {
            long expected = Math.multiplyExact((long) d.steps(), cfg.tokensPerStep()); // steps ≤ H: cannot overflow
            if (d.tokens() != expected) {
                return "tokens " + d.tokens() + " are not steps × tokens per step = " + d.steps() + " × " + cfg.tokensPerStep() + " = " + expected;
            }
        }
        double limit = Math.max(0, now - a.issuedAt()) * CLOCK_RATE + CLOCK_SLACK_SECONDS;
        if (d.computeSeconds() > limit) {
            return "compute seconds " + d.computeSeconds() + " exceed the " + String.format(java.util.Locale.ROOT, "%.3f", limit)
                    + " s since the assignment was issued";
        }
        return null;
    }
}
