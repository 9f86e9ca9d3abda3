package org.diloco4j.net.bench;

import org.diloco4j.net.coord.CheckpointStore;

import java.io.IOException;
import java.util.Optional;

/** A checkpoint store that times its saves: how long the coordinator's last checkpoint took to reach disk. */
final class TimedStore implements CheckpointStore {
    private final CheckpointStore store;
    private volatile double lastSaveSeconds = Double.NaN;
    private volatile int saves;

    TimedStore(CheckpointStore store) {
        this.store = store;
    }

    @Override
    public void save(Checkpoint c) throws IOException {
        long t0 = System.nanoTime();
        store.save(c);
        lastSaveSeconds = (System.nanoTime() - t0) / 1e9;
        saves++;
    }

    @Override
    public Optional<Checkpoint> load() throws IOException {
        return store.load();
    }

    /** Seconds the last save took (state already copied: the file written, forced and renamed); NaN if none. */
    double lastSaveSeconds() {
        return lastSaveSeconds;
    }

    int saves() {
        return saves;
    }
}
