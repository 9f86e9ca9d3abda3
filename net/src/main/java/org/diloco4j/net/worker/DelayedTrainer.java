package org.diloco4j.net.worker;

import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.TrainReport;

/** A trainer that takes longer per step: emulates a slower device (heterogeneity tests, demos). */
final class DelayedTrainer implements InnerTrainer {
    private final InnerTrainer inner;
    private final long millisPerStep;

    DelayedTrainer(InnerTrainer inner, long millisPerStep) {
        this.inner = inner;
        this.millisPerStep = millisPerStep;
    }

    @Override
    public ParamLayout layout() {
        return inner.layout();
    }

    @Override
    public void load(float[] theta) {
        inner.load(theta);
    }

    @Override
    public TrainReport train(int steps) {
        TrainReport r = inner.train(steps);
        try {
            Thread.sleep(millisPerStep * steps);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return r;
    }

    @Override
    public void useShard(int shard) {
        inner.useShard(shard);
    }

    @Override
    public void read(float[] out) {
        inner.read(out);
    }

    @Override
    public byte[] saveState() {
        return inner.saveState();
    }

    @Override
    public void restoreState(byte[] state) {
        inner.restoreState(state);
    }

    @Override
    public void close() {
        inner.close();
    }
}
