package org.diloco4j.core.worker;

import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;

import java.util.SplittableRandom;

/**
 * A fake inner trainer: each call to {@link #train} moves θ_i by a pseudo-random step of about
 * {@code scale} per value, or, from call {@link #divergeAt} on, puts {@link #poison} at index 3
 * (an inner loop that diverged).
 */
final class ScriptedTrainer implements InnerTrainer {
    private final ParamLayout layout;
    private final float[] theta;
    private final SplittableRandom random;
    private final double scale;
    int calls;
    int divergeAt = Integer.MAX_VALUE;
    float poison = Float.NaN;

    ScriptedTrainer(int n, long seed, double scale) {
        this.layout = ParamLayout.single("theta", n);
        this.theta = new float[n];
        this.random = new SplittableRandom(seed);
        this.scale = scale;
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    @Override
    public void load(float[] values) {
        System.arraycopy(values, 0, theta, 0, theta.length);
    }

    @Override
    public TrainReport train(int steps, GlobalProgress progress) {
        calls++;
        for (int i = 0; i < theta.length; i++) theta[i] -= (float) (scale * random.nextGaussian());
        if (calls >= divergeAt) theta[3] = poison;
        return new TrainReport(steps, 16L * steps, new float[steps]);
    }

    @Override
    public void read(float[] out) {
        System.arraycopy(theta, 0, out, 0, theta.length);
    }

    @Override
    public org.diloco4j.core.train.TrainerState saveState() {
        return new org.diloco4j.core.train.TrainerState("scripted", 0, 0, -1, java.util.Map.of(), java.util.List.of());
    }

    @Override
    public void restoreState(org.diloco4j.core.train.TrainerState state) {
    }
}
