package org.diloco4j.net.coord;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.WorkerStats;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a worker process's heartbeat totals may say. They are cumulative figures the worker measures
 * itself, so the coordinator checks each report against what it knows, per worker process
 * (instance), in this coordinator's lifetime:
 * <ul>
 *   <li>no figure goes backwards (all are totals since the process started);</li>
 *   <li>steps ≤ the steps at admission + the steps of every assignment the coordinator handed the
 *       process (a streaming worker's open-ended assignment allows H + τ, each fragment it is sent H more);</li>
 *   <li>tokens trained since admission ≤ steps trained since × batch × context (when the run gives it);</li>
 *   <li>compute seconds since admission ≤ the run's seconds since + {@value #COMPUTE_SLACK} s, and all
 *       seconds (compute, communication, idle) ≤ those + {@value #TIME_SLACK} s: a process counts its
 *       time from its own start, before it joined (retrying a coordinator not up yet, say).</li>
 * </ul>
 * All sums saturate instead of overflowing. A report that fails is refused whole: none of its
 * figures is used and the worker's totals stay at its last plausible report. A process whose totals
 * came from the checkpoint the coordinator restarted from is re-based on its first report after the
 * restart (only checked to go forwards): what it trained while the coordinator was down is unknown.
 *
 * <p>The totals the run keeps for a process are its ledger's {@linkplain Ledger#totals accepted
 * totals}, never a report's own figures: reports are checked as they arrive, on the transport's
 * threads, and reach the event loop afterwards, possibly in another order; an older report handled
 * after a newer one must not move the totals back (nor count the work between them twice).
 */
final class Reports {
    static final double COMPUTE_SLACK = 60;
    static final double TIME_SLACK = 3600;
    /** At most one log line per worker process this often; the refusals in between are counted in the next. */
    static final double LOG_EVERY = 60;

    private final int innerSteps;
    private final int overlap;
    private final long tokensPerStep;
    private final Map<String, Ledger> byInstance = new ConcurrentHashMap<>();

    Reports(CoordinatorConfig cfg) {
        this.innerSteps = cfg.innerSteps();
        this.overlap = cfg.overlap();
        this.tokensPerStep = cfg.tokensPerStep();
    }

    /** The ledger of a worker process (created at its first session). */
    Ledger of(String instance) {
        return byInstance.computeIfAbsent(instance, k -> new Ledger());
    }

    static long plus(long a, long b) {
        long r = a + b;
        // Overflow iff both operands have the sign opposite to the result.
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    static long times(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) || (hi == -1 && lo < 0) ? lo : ((a ^ b) < 0 ? Long.MIN_VALUE : Long.MAX_VALUE);
    }

    /** One worker process's accepted figures and the work handed to it. Any thread. */
    final class Ledger {
        private RunResult.Worker base;
        private double since;
        private RunResult.Worker last;
        private boolean rebase;
        private long assigned;
        private double loggedAt = Double.NEGATIVE_INFINITY;
        private int unlogged;

        /** An order issued to one of the process's sessions: assignments add to what it may have trained. */
        synchronized void ordered(Order.Builder o) {
            if (o.hasTrain()) assigned = plus(assigned, o.getTrain().getOpenEnded() ? innerSteps + overlap : o.getTrain().getSteps());
            if (o.hasFragment()) assigned = plus(assigned, innerSteps);
        }

        /**
         * The process was admitted at {@code now}; {@code before} are its totals the runtime holds
         * (null for a process new to the run). The first admission in this coordinator's lifetime
         * takes them as the base; totals it did not see accepted (restored from a checkpoint) are re-based.
         */
        synchronized void admitted(RunResult.Worker before, double now) {
            if (base != null) return;
            base = before != null ? before : new RunResult.Worker("", 0, 0, 0, 0, 0, 0, 0);
            last = base;
            since = now;
            rebase = before != null;
        }

        /** Why the report is not plausible, or null (and then it is the process's accepted totals). */
        synchronized String check(WorkerStats w, double now) {
            // NaN passes every comparison below (each is false), so it is refused here, before it could become the last figure.
            if (!(Double.isFinite(w.getComputeSeconds()) && Double.isFinite(w.getCommunicateSeconds()) && Double.isFinite(w.getIdleSeconds()))) {
                return "non-finite seconds (compute " + w.getComputeSeconds() + ", communicate " + w.getCommunicateSeconds() + ", idle "
                        + w.getIdleSeconds() + ")";
            }
            if (base == null) admitted(null, now);
            RunResult.Worker r = new RunResult.Worker(last.name(), w.getComputeSeconds(), w.getCommunicateSeconds(), w.getIdleSeconds(),
                    w.getSteps(), w.getTokens(), w.getBytesUp(), w.getBytesDown());
            String bad = backwards(r);
            if (bad == null && rebase) {
                rebase = false;
                base = r;
                since = now;
            } else if (bad == null) {
                bad = beyond(r, now);
            }
            if (bad == null) last = r;
            return bad;
        }

        private String backwards(RunResult.Worker r) {
            if (r.steps() < last.steps() || r.tokens() < last.tokens() || r.bytesUp() < last.bytesUp() || r.bytesDown() < last.bytesDown()
                    || r.computeSeconds() < last.computeSeconds() || r.communicateSeconds() < last.communicateSeconds()
                    || r.idleSeconds() < last.idleSeconds()) {
                return "totals went backwards (" + figures(r) + " after " + figures(last) + ")";
            }
            return null;
        }

        private String beyond(RunResult.Worker r, double now) {
            long allowed = plus(base.steps(), assigned);
            if (r.steps() > allowed) return r.steps() + " steps, but the coordinator has assigned this process " + allowed + " in all";
            if (tokensPerStep > 0) {
                long tokens = plus(base.tokens(), times(r.steps() - base.steps(), tokensPerStep));
                if (r.tokens() > tokens) {
                    return r.tokens() + " tokens, more than its " + r.steps() + " steps train (" + tokensPerStep + " tokens a step)";
                }
            }
            double elapsed = Math.max(0, now - since);
            if (r.computeSeconds() - base.computeSeconds() > elapsed + COMPUTE_SLACK) {
                return String.format(Locale.ROOT, "%.1f compute seconds in %.1f s since it joined", r.computeSeconds() - base.computeSeconds(), elapsed);
            }
            double all = total(r) - total(base);
            if (all > elapsed + TIME_SLACK) return String.format(Locale.ROOT, "%.1f seconds accounted in %.1f s since it joined", all, elapsed);
            return null;
        }

        /** Whether a refusal is logged now (at most once per {@link #LOG_EVERY} s); the count of those not logged since. */
        synchronized int logNow(double now) {
            if (now - loggedAt < LOG_EVERY) {
                unlogged++;
                return -1;
            }
            loggedAt = now;
            int n = unlogged;
            unlogged = 0;
            return n;
        }

        /**
         * The process's totals for the run, under {@code name}: the last accepted ones (the base
         * before any report), whichever report's handling asks. They only go forwards, whatever
         * order reports are handled in.
         */
        synchronized RunResult.Worker totals(String name) {
            return new RunResult.Worker(name, last.computeSeconds(), last.communicateSeconds(), last.idleSeconds(), last.steps(), last.tokens(),
                    last.bytesUp(), last.bytesDown());
        }
    }

    private static double total(RunResult.Worker w) {
        return w.computeSeconds() + w.communicateSeconds() + w.idleSeconds();
    }

    private static String figures(RunResult.Worker w) {
        return String.format(Locale.ROOT, "%d steps, %d tokens, %.1f/%.1f/%.1f s", w.steps(), w.tokens(), w.computeSeconds(),
                w.communicateSeconds(), w.idleSeconds());
    }
}
