package org.diloco4j.core.coord;

import org.diloco4j.core.train.GlobalProgress;

/** What the coordinator asks a driver to do. Drivers execute commands in the order given. */
public sealed interface Command {
    /** The worker was admitted. */
    record Welcome(int member, long generation, String name) implements Command {
    }

    /**
     * Start from θ at {@code version} (the values in {@code theta}, sent down in full) and run
     * {@code steps} inner steps on data shard {@code shard}, then send the pseudo-gradient of every
     * fragment. In streaming mode {@code steps} is {@link #OPEN_ENDED}: the worker trains until
     * stopped and syncs fragments on the schedule; {@code rounds[p]} is the round of fragment p
     * that {@code theta} holds, which its pseudo-gradients of p refer to (null otherwise).
     * {@code progress} places the assignment on the run's clock, which the worker's learning-rate
     * schedule follows. {@code assignment} is the id of the {@link Assignment} the member's push
     * must name; streaming: fragment p's first push slot has id {@code assignment + p}.
     */
    record Train(int member, long generation, long version, int steps, int shard, Snapshot theta, long[] rounds,
                 GlobalProgress progress, long assignment) implements Command {
        public static final int OPEN_ENDED = Integer.MAX_VALUE;

        public boolean openEnded() {
            return steps == OPEN_ENDED;
        }
    }

    /**
     * Streaming: the global values of one fragment after its outer step; the worker merges them
     * into its local copy as {@code θ_local ← α θ_local + (1−α) θ_global}. {@code assignment} is the
     * id of the push slot it opens: the member's next push of this fragment, from this round, names it.
     */
    record ApplyFragment(int member, int fragment, long round, Snapshot values, double alpha, long assignment) implements Command {
    }

    /** Remove a member; it must rejoin to contribute again. */
    record Evict(int member, String reason) implements Command {
    }

    /**
     * A message was refused, for {@code code} ({@code reason} is the human detail); θ is unchanged.
     * The member stays (unless also evicted). {@code member} is -1 for a join refused before it
     * was given an id.
     */
    record Reject(int member, Refusal code, String reason) implements Command {
    }

    /**
     * A pseudo-gradient of {@code member} for {@code fragment}, from θ version (streaming: round)
     * {@code baseVersion}, will never reach θ: it was rejected, or dropped (late, too stale, outside
     * its round). Follows the {@link Reject} of a rejected one. Drivers tell the worker that sent it,
     * whose error feedback takes the message's round back out of its residual. Every pseudo-gradient
     * of a known member gets this or reaches θ (applied, or included in an aggregate that will be).
     * {@code reason} says why, for people (the rejection's or the drop's text).
     */
    record Unapplied(int member, int fragment, long baseVersion, String reason) implements Command {
    }

    /** Deliver {@link Event.Timer} with this key at time {@code at} (a later SetTimer with the same key replaces it). */
    record SetTimer(String key, double at) implements Command {
    }

    /** Training is over. */
    record Stop(String reason) implements Command {
    }
}
