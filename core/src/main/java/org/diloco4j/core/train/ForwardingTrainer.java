package org.diloco4j.core.train;

import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.params.ParamLayout;

/**
 * An {@link InnerTrainer} that hands every call to another one: extend it to change one behaviour
 * (a slower device, a recording or failing trainer in tests) and keep the rest.
 */
public abstract class ForwardingTrainer implements InnerTrainer {
    protected final InnerTrainer inner;

    protected ForwardingTrainer(InnerTrainer inner) {
        this.inner = java.util.Objects.requireNonNull(inner, "inner");
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
    public TrainReport train(int steps, GlobalProgress progress) {
        return inner.train(steps, progress);
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
    public TensorData parameters() {
        return inner.parameters();
    }

    @Override
    public void load(TensorData theta) throws java.io.IOException {
        inner.load(theta);
    }

    @Override
    public TrainerState saveState() {
        return inner.saveState();
    }

    @Override
    public void restoreState(TrainerState state) {
        inner.restoreState(state);
    }

    @Override
    public void close() {
        inner.close();
    }
}
