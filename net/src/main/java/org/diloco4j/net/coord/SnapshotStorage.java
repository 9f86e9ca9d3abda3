package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.params.Fp32Vector;

import java.io.IOException;

/**
 * Where {@link ThetaStore} keeps the encoded snapshots: on the heap ({@link HeapSnapshots}) or in
 * files ({@link FileSnapshots}), as {@link SnapshotPlace} says. Writing happens on the event loop
 * (θ must not change while it is encoded, and there is no fp32 copy of it to encode later); reading
 * on the transport's threads.
 */
interface SnapshotStorage {
    /**
     * Encodes all of {@code values} (θ in its chunks, or a fragment's values as one) with {@code codec}
     * into a new snapshot, complete when this returns: the bytes {@code codec.encode} of the values as
     * one array gives.
     *
     * @throws IOException naming where it could not be written; nothing is left of it
     */
    SnapshotBytes write(Codec codec, Fp32Vector values) throws IOException;

    /** The storage {@code place} names ({@link SnapshotPlace#HEAP} or {@link SnapshotPlace#FILE}, not AUTO), files in {@code spool}'s directory. */
    static SnapshotStorage open(SnapshotPlace place, SpoolOptions spool) throws IOException {
        return switch (place) {
            case HEAP -> new HeapSnapshots();
            case FILE -> FileSnapshots.open(spool.dir(), spool.own());
            case AUTO -> throw new IllegalArgumentException("the memory bound resolves auto to heap or file before storage is opened");
        };
    }
}
