package org.diloco4j.sim.toy;

import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.train.TrainerState;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pure-Java inner trainer for {@link ToyProblem}: AdamW on minibatches of one shard. Its batches
 * depend only on (seed, step), so a restored trainer continues exactly where it stopped.
 */
public final class ToyTrainer implements InnerTrainer {
    /** What a toy trainer's state belongs to, followed by its parameter count. */
    private static final String MODEL = "toy model of size ";
    private final ToyProblem problem;
    private int shard;
    private final int batch;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps = 1e-8;
    private final long seed;
    private final float[] theta;
    private final float[] m;
    private final float[] v;
    private final float[] grad;
    private final float[] x;
    private final float[] y;
    private long step;

    /**
     * @param shard shard to draw from, or -1 for the mixture of all shards
     * @param batch examples per step
     */
    public ToyTrainer(ToyProblem problem, int shard, int batch, double lr, long seed) {
        if (batch < 1) throw new IllegalArgumentException("batch " + batch);
        if (!(lr > 0)) throw new IllegalArgumentException("lr " + lr);
        this.problem = problem;
        this.shard = shard;
        this.batch = batch;
        this.lr = lr;
        this.beta1 = 0.9;
        this.beta2 = 0.95;
        this.seed = seed;
        int n = problem.size();
        this.theta = new float[n];
        this.m = new float[n];
        this.v = new float[n];
        this.grad = new float[n];
        this.x = new float[batch * problem.in()];
        this.y = new float[batch * problem.out()];
    }

    @Override
    public ParamLayout layout() {
        return problem.layout();
    }

    @Override
    public void load(float[] values) {
        System.arraycopy(values, 0, theta, 0, theta.length);
    }

    @Override
    public void useShard(int shard) {
        if (shard < -1 || shard >= problem.shards()) throw new IllegalArgumentException("toy has " + problem.shards() + " shards, not " + shard);
        this.shard = shard;
    }

    @Override
    public void read(float[] out) {
        System.arraycopy(theta, 0, out, 0, theta.length);
    }

    @Override
    public TrainReport train(int steps, GlobalProgress progress) {   // constant learning rate: no clock needed
        float[] losses = new float[steps];
        float[] norms = new float[steps];
        double[] lrs = new double[steps];
        int in = problem.in();
        int out = problem.out();
        for (int s = 0; s < steps; s++) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
            for (int e = 0; e < batch; e++) problem.sample(shard, r, x, e * in, y, e * out);
            java.util.Arrays.fill(grad, 0f);
            double loss = 0;
            double scale = 2.0 / ((double) batch * out);
            for (int e = 0; e < batch; e++) {
                for (int o = 0; o < out; o++) {
                    double pred = theta[out * in + o];
                    for (int j = 0; j < in; j++) pred += theta[o * in + j] * x[e * in + j];
                    double res = pred - y[e * out + o];
                    loss += res * res;
                    float g = (float) (scale * res);
                    for (int j = 0; j < in; j++) grad[o * in + j] += g * x[e * in + j];
                    grad[out * in + o] += g;
                }
            }
            losses[s] = (float) (loss / ((double) batch * out));
            double sq = 0;
            for (float g : grad) sq += (double) g * g;
            norms[s] = (float) Math.sqrt(sq);
            lrs[s] = lr;
            step++;
            double bc1 = 1 - Math.pow(beta1, step);
            double bc2 = 1 - Math.pow(beta2, step);
            for (int i = 0; i < theta.length; i++) {
                m[i] = (float) (beta1 * m[i] + (1 - beta1) * grad[i]);
                v[i] = (float) (beta2 * v[i] + (1 - beta2) * grad[i] * grad[i]);
                theta[i] -= (float) (lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + eps));
            }
        }
        return new TrainReport(steps, (long) steps * batch, losses, norms, lrs);
    }

    public long step() {
        return step;
    }

    @Override
    public TrainerState saveState() {
        return new TrainerState(MODEL + theta.length, step, 0, shard, Map.of("theta", TensorData.of(theta.clone()), "m", TensorData.of(m.clone()),
                "v", TensorData.of(v.clone())), List.of());
    }

    @Override
    public void restoreState(TrainerState state) {
        if (!state.model().equals(MODEL + theta.length)) {
            throw new IllegalArgumentException("state belongs to " + state.model() + ", this trainer runs " + MODEL + theta.length);
        }
        step = state.step();
        shard = state.shard();
        try {
            System.arraycopy(state.array("theta", theta.length).toFloats(), 0, theta, 0, theta.length);
            System.arraycopy(state.array("m", m.length).toFloats(), 0, m, 0, m.length);
            System.arraycopy(state.array("v", v.length).toFloats(), 0, v, 0, v.length);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
