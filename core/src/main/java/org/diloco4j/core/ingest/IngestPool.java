package org.diloco4j.core.ingest;

import java.util.concurrent.ForkJoinPool;

/**
 * The threads a coordinator applies pushes on: one per available processor, shared by every
 * coordinator in the process (the apply is memory-bound; more threads than cores would only queue).
 */
public final class IngestPool {
    private IngestPool() {
    }

    private static final class Holder {
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    }

    public static ForkJoinPool shared() {
        return Holder.POOL;
    }
}
