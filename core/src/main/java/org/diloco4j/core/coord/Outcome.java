package org.diloco4j.core.coord;

/**
 * What a {@link Policy} did with an accepted pseudo-gradient, for {@link Coordinator} to act on:
 * only a refusal takes back what the push was credited with and answers it with a refusal code.
 */
sealed interface Outcome {
    /** Applied to θ in this event (asynchronous methods: the arrival is its own outer step). */
    Outcome APPLIED = new Applied();
    /** Included in an aggregate (a round, a fragment's round, a grace window) that is or will be applied. */
    Outcome BUFFERED = new Buffered();
    /** Left out by the policy (late, too stale, outside its round); the reason went out through {@link Coordinator#drop}. */
    Outcome DROPPED = new Dropped();

    /** Whether the pseudo-gradient reaches θ (applied, or part of an aggregate that will be). */
    default boolean reaches() {
        return this instanceof Applied || this instanceof Buffered;
    }

    record Applied() implements Outcome {
    }

    record Buffered() implements Outcome {
    }

    record Dropped() implements Outcome {
    }

    /**
     * The push is refused with {@code code}: its outer step was undone (θ would have been left
     * non-finite), so θ and the optimizer are as before it. The policy has not freed the member:
     * the coordinator does, as for any rejected push ({@link Policy#onRejected}).
     */
    record Refused(Refusal code, String detail) implements Outcome {
    }
}
