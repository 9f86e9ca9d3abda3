package org.diloco4j.net.coord;

import org.diloco4j.core.codec.BlockDecoder;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.ArrivalCounts;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.wire.RunDefinition;

/**
 * Per fragment of a run, how its pushes' codes are counted as they arrive ({@link ArrivalCounts}):
 * its up codec's blocks, made once, and the size and length a push of it has.
 */
final class ArrivalLayouts {
    private final BlockDecoder[] blocks;
    private final long[] bytes;
    private final int[] lens;

    ArrivalLayouts(RunDefinition run) {
        int n = run.plan().count();
        blocks = new BlockDecoder[n];
        bytes = new long[n];
        lens = new int[n];
        for (int p = 0; p < n; p++) {
            blocks[p] = blocksOf(run, p);
            bytes[p] = run.deltaBytes(p);
            lens[p] = run.plan().fragment(p).arraySize();
        }
    }

    /**
     * The most one upload's arrival counts hold on the heap ({@link ArrivalCounts#heapBytes}), the
     * largest over the run's fragments: what {@link MemoryBound} counts per upload in flight.
     */
    static long heapBytes(RunDefinition run) {
        long most = 0;
        for (int p = 0; p < run.plan().count(); p++) {
            most = Math.max(most, ArrivalCounts.heapBytes(blocksOf(run, p), run.plan().fragment(p).arraySize()));
        }
        return most;
    }

    /** Fragment {@code p}'s up codec's blocks (null: none to count). */
    private static BlockDecoder blocksOf(RunDefinition run, int p) {
        return Codecs.parse(run.upCodecOf(p)).blocks();
    }

    /**
     * A counter for the upload {@code h} announces, if its fragment's codec has table blocks and it declares
     * the size a push of that fragment has; else null (nothing is counted: a withheld push has no bytes, and
     * one of another size is refused later).
     */
    ArrivalCounts counter(DeltaHeader h) {
        int p = h.getFragment();
        if (p < 0 || p >= blocks.length || blocks[p] == null || h.getSize() != bytes[p]) return null;
        return ArrivalCounts.of(blocks[p], lens[p]);
    }
}
