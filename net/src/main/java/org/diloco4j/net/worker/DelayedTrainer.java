package org.diloco4j.net.worker;

import org.diloco4j.core.train.ForwardingTrainer;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.TrainReport;

/** A trainer that takes longer per step: emulates a slower device (heterogeneity tests, demos). */
final class DelayedTrainer extends ForwardingTrainer {
    private final long millisPerStep;

    DelayedTrainer(InnerTrainer inner, long millisPerStep) {
        super(inner);
        this.millisPerStep = millisPerStep;
    }

    @Override
    public TrainReport train(int steps, GlobalProgress progress) {
        TrainReport r = inner.train(steps, progress);
        try {
            Thread.sleep(millisPerStep * steps);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return r;
    }
}
