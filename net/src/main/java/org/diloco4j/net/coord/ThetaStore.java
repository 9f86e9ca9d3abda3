package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.coord.Snapshot;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The encoded θ (or fragments of it) that orders refer to and workers pull. θ at a version is
 * unique, so there is one entry per (fragment, version), shared by every order that names it.
 * A new entry is encoded off the event loop right away (so its fp32 copy is dropped before the
 * workers get round to pulling it; a pull that comes first encodes it itself), held while a member
 * still has to pull it, then kept in a bounded cache of released entries so that a retried pull
 * usually still finds it.
 *
 * <p>{@link #acquire} and {@link #release} belong to the event loop; {@link #get} and the entries'
 * encoding are safe from any thread.
 */
final class ThetaStore {
    /** One encoded vector. */
    static final class Entry {
        final long id;
        final int fragment;
        final long version;
        final int floats;
        final long encodedBytes;
        private Snapshot snapshot;
        private byte[] encoded;
        private int crc;
        private int refs;

        private Entry(long id, Snapshot s, long encodedBytes) {
            this.id = id;
            this.fragment = s.fragment();
            this.version = s.version();
            this.floats = s.size();
            this.encodedBytes = encodedBytes;
            this.snapshot = s;
        }

        /** The encoded bytes (encoded once, by whichever thread asks first); the floats are dropped then. */
        synchronized byte[] encoded(Codec codec) {
            if (encoded == null) {
                byte[] b = codec.encode(snapshot.values());
                if (b.length != encodedBytes) {
                    throw new IllegalStateException(codec.name() + " encoded " + floats + " floats into " + b.length + " bytes, expected " + encodedBytes);
                }
                CRC32C c = new CRC32C();
                c.update(b);
                crc = (int) c.getValue();
                encoded = b;
                snapshot = null;
            }
            return encoded;
        }

        synchronized int crc(Codec codec) {
            encoded(codec);
            return crc;
        }
    }

    private record Key(int fragment, long version) {
    }

    private final Codec codec;
    private final long cacheLimit;
    private final java.util.concurrent.Executor encoder;
    private final Map<Long, Entry> byId = new ConcurrentHashMap<>();
    private final Map<Key, Entry> byKey = new HashMap<>();
    /** Entries nobody holds, least recently released first. */
    private final LinkedHashMap<Long, Entry> released = new LinkedHashMap<>();
    /** Released entries, each counted at its encoded size (encoded or not yet): the same amount in as out. */
    private long releasedBytes;
    private long nextId = 1;

    /** @param encoder where new entries are encoded (a background thread; {@code Runnable::run} encodes at once) */
    ThetaStore(Codec codec, long cacheLimit, java.util.concurrent.Executor encoder) {
        this.codec = codec;
        this.cacheLimit = cacheLimit;
        this.encoder = encoder;
    }

    Codec codec() {
        return codec;
    }

    /** An entry for this snapshot (a new one, or the existing one at the same fragment and version), held once more. */
    Entry acquire(Snapshot s) {
        if (s.phantom()) throw new IllegalArgumentException("the network runtime sends real θ; got a phantom snapshot of v" + s.version());
        Key k = new Key(s.fragment(), s.version());
        Entry e = byKey.get(k);
        if (e == null) {
            e = new Entry(nextId++, s, codec.encodedSize(s.size()));
            byKey.put(k, e);
            byId.put(e.id, e);
            Entry fresh = e;
            encoder.execute(() -> fresh.encoded(codec));
        }
        if (e.refs++ == 0 && released.remove(e.id) != null) releasedBytes -= e.encodedBytes;
        return e;
    }

    /** One holder less; an entry nobody holds moves to the cache, which drops its oldest beyond the limit. */
    void release(long id) {
        Entry e = byId.get(id);
        if (e == null || e.refs == 0) return;
        if (--e.refs > 0) return;
        released.put(e.id, e);
        releasedBytes += e.encodedBytes;
        Iterator<Entry> it = released.values().iterator();
        while (releasedBytes > cacheLimit && it.hasNext()) {
            Entry old = it.next();
            it.remove();
            releasedBytes -= old.encodedBytes;
            byId.remove(old.id);
            byKey.remove(new Key(old.fragment, old.version));
        }
    }

    /** The entry with this id, or null if it was dropped (or never existed). Any thread. */
    Entry get(long id) {
        return byId.get(id);
    }

    /** The bytes the cache of released entries accounts for (each entry at its encoded size). */
    long releasedBytes() {
        return releasedBytes;
    }

    int held() {
        return byId.size() - released.size();
    }
}
