package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.coord.Snapshot;
import org.diloco4j.core.params.Fp32Vector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Supplier;

/**
 * The encoded snapshots of θ (or of fragments of it) workers pull, within a byte budget. A snapshot
 * is encoded straight from θ on the event loop, with the down codec, when it is made — θ cannot
 * change meanwhile, and there is no fp32 copy of θ to drop later. Snapshots are wanted two ways:
 * <ul>
 *   <li><b>exact</b> ({@link #acquire}): an order of a synchronous round or of a streaming assignment
 *       names θ (or a fragment) at one version, which must exist when the member pulls it. The
 *       snapshot, one per (fragment, version) whoever names it, is made when the order is issued and
 *       held for each member that has still to pull it. Held snapshots are made whatever the budget.</li>
 *   <li><b>newest</b> ({@link #newest}): an order of an asynchronous method names a least version, and
 *       the snapshot is chosen when the member pulls: the newest kept that is at least that version,
 *       else a new one of the current θ if the budget has room once snapshots nobody uses are dropped;
 *       else none (the pull waits, {@link Pulls}).</li>
 * </ul>
 * A pull streaming a snapshot pins it until the pull ends. Snapshots nobody holds or pins stay for
 * retried pulls and later orders while the budget has room, the oldest dropped first.
 *
 * <p>Where the bytes are kept is the {@link SnapshotStorage}'s business: the heap, or files whose
 * pages are the kernel's page cache ({@link SnapshotPlace}); the budget counts them either way (heap,
 * or disk). A snapshot is encoded and written whole on the event loop before its entry exists, so a
 * pull never sees one half written.
 *
 * <p>Everything here belongs to the event loop (pulls reach their snapshot through {@link Pulls},
 * which pins it there); an entry's bytes never change, so the transport may read them while pinned.
 * An entry whose bytes failed a read is mended by encoding θ again ({@link #mend}): new bytes in
 * its place, identical to the old (one θ, one codec), so a pull gets the same bytes either way.
 */
final class ThetaStore {
    /** One encoded snapshot. */
    static final class Entry {
        final long id;
        /** -1: all of θ. */
        final int fragment;
        final long version;
        final int floats;
        /**
         * Null once the store has dropped it (only an entry no pull streams is dropped); replaced by
         * identical bytes when mended.
         */
        private volatile SnapshotBytes bytes;
        final long length;
        /**
         * The bytes a read failed on (transport threads), or null: while they are still the entry's,
         * the entry is broken, and the event loop encodes it again before a pull is served it
         * ({@link #mend}). Kept as the failed bytes, not a flag, so a pull that failed on bytes
         * already replaced does not break the new ones.
         */
        private volatile SnapshotBytes failed;
        /** Members that have still to pull it (exact orders); event loop. */
        private int holds;
        /** Pulls streaming it now; event loop. */
        private int pins;

        private Entry(long id, int fragment, long version, int floats, SnapshotBytes bytes) {
            this.id = id;
            this.fragment = fragment;
            this.version = version;
            this.floats = floats;
            this.bytes = bytes;
            this.length = bytes.length();
        }

        /** {@code n} bytes from {@code offset}, one chunk of a pull that pins the entry (transport threads). */
        ByteString slice(long offset, int n) throws IOException {
            SnapshotBytes b = kept();
            try {
                return b.slice(offset, n);
            } catch (IOException e) {
                failed = b;
                throw e;
            }
        }

        /** Whether a read of its bytes failed (a bad disk, a closed file): a pull must not be served them again. */
        boolean broken() {
            SnapshotBytes b = bytes;
            return b != null && failed == b;
        }

        /**
         * CRC32C of the encoded bytes, the pull's last chunk carries it ({@link SnapshotBytes#crc32c}):
         * from the encoder's output, so it vouches for what θ encoded to and bytes read back wrong
         * later fail the worker's check. Read from the bytes kept now: bytes put in place by
         * {@link ThetaStore#mend} are the same bytes, so their CRC is the same. Fails once the entry is dropped.
         */
        int crc() throws IOException {
            return kept().crc32c();
        }

        /** Whether the store has let go of its bytes (dropped, or the store closed). */
        boolean released() {
            return bytes == null;
        }

        private SnapshotBytes kept() throws IOException {
            SnapshotBytes b = bytes;
            if (b == null) throw new IOException("θ snapshot " + id + " is no longer kept");
            return b;
        }

        private void release() {
            SnapshotBytes b = bytes;
            bytes = null;
            if (b != null) b.release();
        }

        long encodedBytes() {
            return length;
        }

        private boolean idle() {
            return holds == 0 && pins == 0;
        }
    }

    private final Codec codec;
    private final long budget;
    private final SnapshotStorage storage;
    /** Every entry kept, oldest first. */
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
    private long bytes;
    private long peakBytes;
    private int peakCount;
    private long nextId = 1;

    /** Snapshots on the heap. */
    ThetaStore(Codec codec, long budget) {
        this(codec, budget, new HeapSnapshots());
    }

    /**
     * @param budget  bytes of encoded snapshots kept (one is always allowed, whatever its size: {@link ThetaCacheSize})
     * @param storage where their bytes are kept
     */
    ThetaStore(Codec codec, long budget, SnapshotStorage storage) {
        if (budget < 0) throw new IllegalArgumentException("θ snapshot budget " + budget + " bytes; must be >= 0");
        this.codec = codec;
        this.budget = budget;
        this.storage = storage;
    }

    /** Lets go of every snapshot (their files too; the storage itself holds nothing to close): the runtime closed, nothing pulls any more. */
    void close() {
        for (Entry e : entries.values()) e.release();
        entries.clear();
        bytes = 0;
    }

    Codec codec() {
        return codec;
    }

    /**
     * The exact snapshot {@code s} names (the one kept at its fragment and version, encoded again if
     * broken, or a new one), held once more.
     *
     * @throws UncheckedIOException naming the directory when a new snapshot's file could not be written (nothing is kept of it)
     */
    Entry acquire(Snapshot s) {
        if (s.phantom()) throw new IllegalArgumentException("the network runtime sends real θ; got a phantom snapshot of v" + s.version());
        Entry e = find(s.fragment(), s.version());
        if (e == null) e = add(s.fragment(), s.version(), s.vector());
        else if (e.broken()) mend(e, s.vector());
        e.holds++;
        trim();
        return e;
    }

    /** One holder less; a snapshot nobody uses stays while the budget has room. */
    void release(long id) {
        Entry e = entries.get(id);
        if (e == null || e.holds == 0) return;
        e.holds--;
        trim();
    }

    /**
     * The newest whole-θ snapshot of at least version {@code least}, pinned for a pull: one kept, or a
     * new one of {@code theta} (at {@code version} &gt;= {@code least}) if the budget has room once
     * unused snapshots are dropped (one snapshot always fits: the budget is at least one θ). θ is asked
     * for only then: reading it runs a coordinator's waiting pass over θ, which a pull served from a kept
     * snapshot need not force.
     *
     * @param unsendable why θ cannot be sent with the down codec, or null; asked only when a new snapshot is made
     * @return the pinned entry, or null if every byte of the budget is in use (pinned or held)
     * @throws IllegalArgumentException with {@code unsendable}'s reason when a new snapshot is needed of a θ it refuses
     * @throws UncheckedIOException naming the directory when a snapshot file could not be written (nothing is kept of it)
     */
    Entry newest(long least, Supplier<Fp32Vector> theta, long version, Supplier<String> unsendable) {
        if (version < least) throw new IllegalArgumentException("θ is at v" + version + ", older than the v" + least + " an order named");
        Entry best = null;
        // One pass: the newest fit, and the bytes in use (wanted only when there is none).
        long used = 0;
        for (Entry e : entries.values()) {
            // A broken one is not served: a new one of θ is made instead (it is dropped once idle).
            if (e.fragment == -1 && e.version >= least && !e.broken() && (best == null || e.version > best.version)) best = e;
            if (!e.idle()) used += e.encodedBytes();
        }
        if (best == null) {
            Fp32Vector now = theta.get();
            long size = codec.encodedSize(now.size());
            if (used > 0 && used + size > budget) return null;
            String bad = unsendable.get();
            if (bad != null) throw new IllegalArgumentException(bad);
            dropIdle(budget - size);
            best = add(-1, version, now);
        }
        best.pins++;
        return best;
    }

    /** The snapshot {@code id} pinned for a pull that resumes it, or null if it is no longer kept (or broken). */
    Entry pin(long id) {
        return pin(id, null, -1);
    }

    /**
     * The snapshot {@code id} pinned for a pull (an exact order's, or one resuming), or null if it is
     * no longer kept. A broken one is encoded again first from {@code theta}, all of θ at
     * {@code version}, if it is a snapshot of that θ; else (an older θ, a fragment) it counts as no
     * longer kept: the pull is answered as for a dropped snapshot.
     *
     * @throws UncheckedIOException naming the directory when the snapshot could not be written again (it stays broken)
     */
    Entry pin(long id, java.util.function.Supplier<Fp32Vector> theta, long version) {
        Entry e = entries.get(id);
        if (e == null) return null;
        if (e.broken()) {
            Fp32Vector now = theta == null || e.fragment != -1 || e.version != version ? null : theta.get();
            if (now == null || now.size() != e.floats) return null;
            mend(e, now);
        }
        e.pins++;
        return e;
    }

    /** A pull of {@code e} ended (complete or not). */
    void unpin(Entry e) {
        if (e.pins == 0) throw new IllegalStateException("snapshot " + e.id + " unpinned more often than pinned");
        e.pins--;
        trim();
    }

    /** The budget: bytes of encoded snapshots kept (exceeded only by held snapshots, or by one snapshot larger than it). */
    long budget() {
        return budget;
    }

    /** Bytes of encoded snapshots kept now. */
    long bytes() {
        return bytes;
    }

    /** The most bytes of encoded snapshots kept at once so far. */
    long peakBytes() {
        return peakBytes;
    }

    /** The most snapshots kept at once so far. */
    int peakCount() {
        return peakCount;
    }

    /** Snapshots kept now. */
    int count() {
        return entries.size();
    }

    /** Snapshots some member holds or some pull pins now. */
    int inUse() {
        int n = 0;
        for (Entry e : entries.values()) if (!e.idle()) n++;
        return n;
    }

    private Entry find(int fragment, long version) {
        for (Entry e : entries.values()) if (e.fragment == fragment && e.version == version) return e;
        return null;
    }

    /** A new entry of {@code values} (θ itself in its chunks, or a fragment's copy), published only once its bytes are all written. */
    private Entry add(int fragment, long version, Fp32Vector values) {
        int floats = Math.toIntExact(values.size());
        SnapshotBytes b = encode(values);
        if (b.length() != codec.encodedSize(floats)) {
            b.release();
            throw new IllegalStateException(codec.name() + " encoded " + floats + " floats into " + b.length() + " bytes, expected " + codec.encodedSize(floats));
        }
        Entry e = new Entry(nextId++, fragment, version, floats, b);
        entries.put(e.id, e);
        bytes += b.length();
        peakBytes = Math.max(peakBytes, bytes);
        peakCount = Math.max(peakCount, entries.size());
        return e;
    }

    /** θ encoded with the down codec into the storage, on the event loop: θ cannot change meanwhile. */
    private SnapshotBytes encode(Fp32Vector values) {
        try {
            return storage.write(codec, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Encodes {@code values} (θ at the broken entry's version, or its fragment) again into new bytes
     * and puts them in the entry's place. The bytes are the same as before (one θ, one codec), so a
     * pull still reading the old ones gets the same bytes from the new, or fails and resumes.
     */
    private void mend(Entry e, Fp32Vector values) {
        SnapshotBytes b = encode(values.requireSize("mending θ snapshot " + e.id, "θ", e.floats));
        if (b.length() != e.length) {
            b.release();
            throw new IllegalStateException("θ snapshot " + e.id + " encoded again into " + b.length() + " bytes, not " + e.length);
        }
        SnapshotBytes old = e.bytes;
        e.bytes = b;
        if (old != null) old.release();
    }

    private void trim() {
        dropIdle(budget);
    }

    /** Drops unused snapshots, oldest first, until at most {@code limit} bytes are kept (or none is unused). */
    private void dropIdle(long limit) {
        for (Iterator<Entry> it = entries.values().iterator(); bytes > limit && it.hasNext(); ) {
            Entry e = it.next();
            if (!e.idle()) continue;
            it.remove();
            bytes -= e.encodedBytes();
            // Whatever still refers to the entry (a finished pull's task or observer) must not keep its
            // bytes: at 1B the next snapshot is allocated right after this, and two do not fit the bound.
            // A file's space is freed here too.
            e.release();
        }
    }
}
