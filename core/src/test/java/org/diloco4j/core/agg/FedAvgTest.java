package org.diloco4j.core.agg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.diloco4j.core.optim.OuterSgd;
import org.diloco4j.core.params.TestVectors;
import org.diloco4j.core.params.VectorOps;
import org.junit.jupiter.api.Test;

/** Outer SGD with η = 1 on the weighted mean pseudo-gradient is FedAvg: θ becomes the (weighted) mean of the θ_i. */
class FedAvgTest {
    static final int N = 2000;

    @Test
    void uniformMeanOfPseudoGradientsMovesThetaToTheMeanOfTheReplicas() {
        int k = 5;
        float[] theta = TestVectors.gaussian(1, N, 1);
        float[][] replicas = new float[k][];
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform());
        for (int i = 0; i < k; i++) {
            replicas[i] = theta.clone();
            VectorOps.axpy(1f, TestVectors.gaussian(10 + i, N, 0.1), replicas[i]); // H inner steps moved θ_i
            float[] delta = new float[N];
            VectorOps.sub(theta, replicas[i], delta); // δ = old − new
            agg.add(Contribution.of(i), delta);
        }
        float[] mean = new float[N];
        agg.finish(mean);
        new OuterSgd(N, 1.0).step(theta, mean);
        for (int j = 0; j < N; j++) {
            double avg = 0;
            for (float[] r : replicas) avg += r[j];
            avg /= k;
            // δ_i and their mean are rounded in fp32 relative to θ ~ 1: a few ulps of 1.
            assertThat((double) theta[j]).as("θ[%d]", j).isCloseTo(avg, within(1e-6));
        }
    }

    @Test
    void shardSizeMeanMovesThetaToTheWeightedMean() {
        float[] theta = TestVectors.gaussian(2, N, 1);
        long[] shards = {1000, 3000, 6000};
        float[][] replicas = new float[shards.length][];
        WeightedMean agg = new WeightedMean(N, WeightPolicy.shardSize());
        for (int i = 0; i < shards.length; i++) {
            replicas[i] = theta.clone();
            VectorOps.axpy(1f, TestVectors.gaussian(20 + i, N, 0.1), replicas[i]);
            float[] delta = new float[N];
            VectorOps.sub(theta, replicas[i], delta);
            agg.add(new Contribution(i, shards[i], 0), delta);
        }
        float[] mean = new float[N];
        agg.finish(mean);
        new OuterSgd(N, 1.0).step(theta, mean);
        for (int j = 0; j < N; j++) {
            double avg = 0.1 * replicas[0][j] + 0.3 * replicas[1][j] + 0.6 * replicas[2][j];
            assertThat((double) theta[j]).isCloseTo(avg, within(1e-6));
        }
    }
}
