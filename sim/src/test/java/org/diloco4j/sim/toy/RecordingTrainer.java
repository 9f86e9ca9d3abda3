package org.diloco4j.sim.toy;

import org.diloco4j.core.train.ForwardingTrainer;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.TrainReport;

import java.util.ArrayList;
import java.util.List;

/**
 * A test fake shared by the simulator's and (through sim's test-jar) the network runtime's tests: wraps a trainer and
 * records every θ it was loaded with and every pseudo-gradient it produced (θ loaded minus θ after
 * training, computed as the replica computes it); optionally poisons θ_i after training, as an
 * inner loop that diverged. Not thread-safe: read it after the thread that trains has finished.
 */
public final class RecordingTrainer extends ForwardingTrainer {
    private final float poison;
    private final List<float[]> loaded = new ArrayList<>();
    private final List<float[]> deltas = new ArrayList<>();

    /** @param poison NaN or ±infinity written at index 3 after each training call; 0 for an honest trainer */
    public RecordingTrainer(InnerTrainer inner, float poison) {
        super(inner);
        this.poison = poison;
    }

    /** Every θ loaded, in order (copies). */
    public List<float[]> loaded() {
        return copies(loaded);
    }

    /** The pseudo-gradient of each training call, in order: the θ loaded last minus θ after training. */
    public List<float[]> deltas() {
        return copies(deltas);
    }

    private static List<float[]> copies(List<float[]> l) {
        return List.copyOf(l.stream().map(float[]::clone).toList());
    }

    @Override
    public void load(float[] theta) {
        loaded.add(theta.clone());
        inner.load(theta);
    }

    @Override
    public TrainReport train(int steps, GlobalProgress progress) {
        TrainReport r = inner.train(steps, progress);
        float[] now = new float[layout().arraySize()];
        inner.read(now);
        if (poison != 0) {
            now[3] = poison;
            inner.load(now);
        }
        float[] from = loaded.getLast();
        float[] d = new float[now.length];
        for (int i = 0; i < d.length; i++) d[i] = from[i] - now[i];
        deltas.add(d);
        return r;
    }
}
