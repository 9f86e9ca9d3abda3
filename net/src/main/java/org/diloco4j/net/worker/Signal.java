package org.diloco4j.net.worker;

import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.Order;

/** What reaches a worker's training thread: orders, fetched fragments, and trouble. */
sealed interface Signal {
    /** An order from the subscription. */
    record Ord(Order order) implements Signal {
    }

    /** Streaming: a fragment's global values, pulled and decoded. */
    record Arrived(FragmentOrder order, float[] values) implements Signal {
    }

    /**
     * Something broke. {@code rejoin}: the session is gone for sure (unknown to the coordinator,
     * evicted, or silent past the session timeout); otherwise resubscribing may be enough.
     */
    record Broken(String reason, boolean rejoin) implements Signal {
    }
}
