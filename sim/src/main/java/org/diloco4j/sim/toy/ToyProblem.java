package org.diloco4j.sim.toy;

import org.diloco4j.core.params.ParamLayout;

import java.util.SplittableRandom;

/**
 * A small regression task with non-iid shards and a known optimum, so the protocol can be tested in
 * milliseconds without libtorch. Shard s draws inputs {@code x ~ N(μ_s, diag(σ²))} (σ spread over
 * a 10× range, so the problem is ill-conditioned like real ones) and targets
 * {@code y = A_s [x; 1] + ε}, where each shard's map {@code A_s} is a shared map plus a
 * shard-specific offset. The global objective is the size-weighted mixture of shards; its least-
 * squares optimum {@code A*} has a closed form ({@link #optimum()}).
 *
 * <p>Loss is the mean squared error per output; a "token" is one example.
 */
public final class ToyProblem {
    private final int in;
    private final int out;
    private final int shards;
    private final double noise;
    private final double[][] means;
    private final double[] scales;
    private final double[][][] maps;
    private final double[] weights;

    /**
     * @param in            input dimension
     * @param out           output dimension
     * @param shardSizes    relative sizes of the shards (mixture weights)
     * @param heterogeneity how far shards' inputs and maps differ (0 = iid)
     * @param noise         standard deviation of the target noise
     */
    public ToyProblem(int in, int out, double[] shardSizes, double heterogeneity, double noise, long seed) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("toy dimensions " + in + "x" + out);
        if (shardSizes.length < 1) throw new IllegalArgumentException("toy problem needs at least one shard");
        this.in = in;
        this.out = out;
        this.shards = shardSizes.length;
        this.noise = noise;
        SplittableRandom r = new SplittableRandom(seed);
        this.scales = new double[in];
        for (int j = 0; j < in; j++) scales[j] = 0.3 * Math.pow(10, (double) j / Math.max(1, in - 1));
        double[][] shared = randomMap(r, 1.0);
        this.means = new double[shards][in];
        this.maps = new double[shards][][];
        double total = 0;
        for (double s : shardSizes) total += s;
        this.weights = new double[shards];
        for (int s = 0; s < shards; s++) {
            if (!(shardSizes[s] > 0)) throw new IllegalArgumentException("shard " + s + " size " + shardSizes[s]);
            weights[s] = shardSizes[s] / total;
            for (int j = 0; j < in; j++) means[s][j] = heterogeneity * gaussian(r);
            double[][] offset = randomMap(r, heterogeneity * 0.5);
            maps[s] = new double[out][in + 1];
            for (int o = 0; o < out; o++) for (int j = 0; j <= in; j++) maps[s][o][j] = shared[o][j] + offset[o][j];
        }
    }

    private double[][] randomMap(SplittableRandom r, double scale) {
        double[][] a = new double[out][in + 1];
        for (int o = 0; o < out; o++) for (int j = 0; j <= in; j++) a[o][j] = scale * gaussian(r) / Math.sqrt(in);
        return a;
    }

    static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public int shards() {
        return shards;
    }

    /** Parameters: weight (out, in) then bias (out). */
    public ParamLayout layout() {
        return ParamLayout.builder().add("linear.weight", out, in).add("linear.bias", out).build();
    }

    public int size() {
        return out * in + out;
    }

    /**
     * Fills one example of shard {@code shard} (or of the mixture if -1) into {@code x} (in) and {@code y} (out).
     */
    public void sample(int shard, SplittableRandom r, float[] x, int xo, float[] y, int yo) {
        int s = shard >= 0 ? shard : pickShard(r);
        double[][] a = maps[s];
        for (int j = 0; j < in; j++) x[xo + j] = (float) (means[s][j] + scales[j] * gaussian(r));
        for (int o = 0; o < out; o++) {
            double v = a[o][in];
            for (int j = 0; j < in; j++) v += a[o][j] * x[xo + j];
            y[yo + o] = (float) (v + noise * gaussian(r));
        }
    }

    private int pickShard(SplittableRandom r) {
        double u = r.nextDouble();
        for (int s = 0; s < shards - 1; s++) {
            u -= weights[s];
            if (u < 0) return s;
        }
        return shards - 1;
    }

    /**
     * The mixture's least-squares optimum as a flat parameter vector: {@code A* = C M⁻¹} with
     * {@code M = Σ π_s E_s[z zᵀ]}, {@code C = Σ π_s A_s E_s[z zᵀ]}, {@code z = [x; 1]}.
     */
    public float[] optimum() {
        int d = in + 1;
        double[][] m = new double[d][d];
        double[][] c = new double[out][d];
        for (int s = 0; s < shards; s++) {
            double[][] ezz = new double[d][d];
            for (int i = 0; i < in; i++) {
                for (int j = 0; j < in; j++) ezz[i][j] = means[s][i] * means[s][j] + (i == j ? scales[i] * scales[i] : 0);
                ezz[i][in] = means[s][i];
                ezz[in][i] = means[s][i];
            }
            ezz[in][in] = 1;
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) m[i][j] += weights[s] * ezz[i][j];
            for (int o = 0; o < out; o++) {
                for (int j = 0; j < d; j++) {
                    double v = 0;
                    for (int k = 0; k < d; k++) v += maps[s][o][k] * ezz[k][j];
                    c[o][j] += weights[s] * v;
                }
            }
        }
        float[] theta = new float[size()];
        for (int o = 0; o < out; o++) {
            // Row o of A* solves M aᵀ = cᵀ (M is symmetric).
            double[] a = solve(m, c[o]);
            for (int j = 0; j < in; j++) theta[o * in + j] = (float) a[j];
            theta[out * in + o] = (float) a[in];
        }
        return theta;
    }

    private static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = a0[i].clone();
        double[] b = b0.clone();
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int i = col + 1; i < n; i++) if (Math.abs(a[i][col]) > Math.abs(a[piv][col])) piv = i;
            double[] t = a[col]; a[col] = a[piv]; a[piv] = t;
            double tb = b[col]; b[col] = b[piv]; b[piv] = tb;
            for (int i = col + 1; i < n; i++) {
                double f = a[i][col] / a[col][col];
                for (int j = col; j < n; j++) a[i][j] -= f * a[col][j];
                b[i] -= f * b[col];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double v = b[i];
            for (int j = i + 1; j < n; j++) v -= a[i][j] * x[j];
            x[i] = v / a[i][i];
        }
        return x;
    }

    /** Mean squared error per output of parameters {@code theta} on examples {@code x} (n, in), {@code y} (n, out). */
    public double loss(float[] theta, float[] x, float[] y, int n) {
        double sum = 0;
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < out; o++) {
                double v = theta[out * in + o];
                int row = o * in;
                for (int j = 0; j < in; j++) v += theta[row + j] * x[e * in + j];
                double r = v - y[e * out + o];
                sum += r * r;
            }
        }
        return sum / ((double) n * out);
    }
}
