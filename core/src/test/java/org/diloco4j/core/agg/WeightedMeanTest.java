package org.diloco4j.core.agg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

class WeightedMeanTest {
    static final int N = 501;
    final float[] d0 = TestVectors.gaussian(1, N, 1), d1 = TestVectors.gaussian(2, N, 1), d2 = TestVectors.gaussian(3, N, 1);

    @Test
    void uniformWeightsGiveTheMean() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform());
        agg.add(Contribution.of(0), d0);
        agg.add(Contribution.of(1), d1);
        agg.add(Contribution.of(2), d2);
        float[] out = new float[N];
        AggregationReport r = agg.finish(out);
        for (int i = 0; i < N; i++) assertThat((double) out[i]).isCloseTo((d0[i] + (double) d1[i] + d2[i]) / 3, within(1e-6));
        assertThat(r.included()).extracting(AggregationReport.Entry::share).containsOnly(1.0 / 3);
        assertThat(r.totalWeight()).isEqualTo(3.0);
        assertThat(r.dropped()).isEmpty();
        assertThat(r.summary()).isEqualTo("3 included (m0 0.333, m1 0.333, m2 0.333)");
    }

    @Test
    void shardSizeWeightsAreProportionalToTheShards() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.shardSize());
        agg.add(new Contribution(7, 1_000, 0), d0);
        agg.add(new Contribution(9, 3_000, 0), d1);
        float[] out = new float[N];
        AggregationReport r = agg.finish(out);
        for (int i = 0; i < N; i++) assertThat((double) out[i]).isCloseTo(0.25 * d0[i] + 0.75 * d1[i], within(1e-6));
        assertThat(r.included()).extracting(AggregationReport.Entry::share).containsExactly(0.25, 0.75);
        assertThat(r.included().get(1).reason()).isEqualTo("shard size 3000 tokens");
    }

    @Test
    void unknownShardSizeIsDroppedUnderShardSizeWeighting() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.shardSize());
        WeightDecision d = agg.add(new Contribution(4, 0, 0), d0);
        assertThat(d.included()).isFalse();
        assertThat(d.reason()).contains("member 4 reported no shard size");
    }

    @Test
    void stalenessDecayWeighsByInverseSquareRoot() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform().decayByStaleness(0.5));
        agg.add(new Contribution(0, 0, 0), d0);
        WeightDecision d = agg.add(new Contribution(1, 0, 3), d1);
        assertThat(d.weight()).isEqualTo(0.5);
        assertThat(d.reason()).contains("(1+3)^-0.5 = 0.5000");
        float[] out = new float[N];
        AggregationReport r = agg.finish(out);
        assertThat(r.included()).extracting(AggregationReport.Entry::share).containsExactly(2.0 / 3, 1.0 / 3);
        for (int i = 0; i < N; i++) assertThat((double) out[i]).isCloseTo((2.0 * d0[i] + d1[i]) / 3, within(1e-6));
        assertThat(StalenessDecay.factor(8, 0.5)).isEqualTo(1 / 3.0);
    }

    @Test
    void tooStaleContributionsAreDroppedWithTheReason() {
        WeightedMean agg = new WeightedMean(N, WeightingConfig.uniform().policy().dropIfStalerThan(2));
        assertThat(agg.add(new Contribution(0, 0, 2), d0).included()).isTrue();
        WeightDecision d = agg.add(new Contribution(1, 0, 3), d1);
        assertThat(d.included()).isFalse();
        assertThat(d.reason()).isEqualTo("member 1 is too stale: staleness 3 > max 2");
        float[] out = new float[N];
        AggregationReport r = agg.finish(out);
        assertThat(out).isEqualTo(d0);
        assertThat(r.dropped()).singleElement().satisfies(e -> {
            assertThat(e.contribution().member()).isEqualTo(1);
            assertThat(e.share()).isZero();
        });
        assertThat(r.summary()).isEqualTo("1 included (m0 1.000); 1 dropped (m1: member 1 is too stale: staleness 3 > max 2)");
    }

    @Test
    void nonFiniteAndDuplicateContributionsAreDropped() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform());
        float[] bad = d1.clone();
        bad[10] = Float.NaN;
        bad[20] = Float.NEGATIVE_INFINITY;
        assertThat(agg.add(Contribution.of(1), bad).reason()).isEqualTo("member 1 sent a pseudo-gradient with 2 NaN/Inf values");
        assertThat(agg.add(Contribution.of(0), d0).included()).isTrue();
        assertThat(agg.add(Contribution.of(0), d2).reason()).isEqualTo("member 0 already contributed to this aggregate");
        float[] out = new float[N];
        AggregationReport r = agg.finish(out);
        assertThat(out).isEqualTo(d0);
        assertThat(r.dropped()).hasSize(2);
    }

    @Test
    void finishWithNothingIncludedRefusesAndSaysWhy() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform().dropIfStalerThan(0));
        agg.add(new Contribution(5, 0, 1), d0);
        assertThat(agg.includedCount()).isZero();
        assertThatThrownBy(() -> agg.finish(new float[N])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no pseudo-gradient to aggregate").hasMessageContaining("staleness 1 > max 0");
    }

    @Test
    void finishStartsAFreshAggregate() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform());
        agg.add(Contribution.of(0), d0);
        agg.add(Contribution.of(1), d1);
        agg.finish(new float[N]);
        agg.add(Contribution.of(0), d2);
        float[] out = new float[N];
        AggregationReport r = agg.finish(out);
        assertThat(out).isEqualTo(d2);
        assertThat(r.included()).hasSize(1);
    }

    @Test
    void wrongLengthIsAnError() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform());
        assertThatThrownBy(() -> agg.add(Contribution.of(3), new float[N + 1]))
                .hasMessage("aggregate member 3: pseudo-gradient has length 502, expected 501");
    }

    @Test
    void configBuildsTheComposedPolicy() {
        assertThat(new WeightingConfig("Shard-Size", 0.5, 4).policy().describe())
                .isEqualTo("shard-size × (1+staleness)^-0.5, drop if staleness > 4");
        assertThat(WeightingConfig.uniform().policy().describe()).isEqualTo("uniform");
        assertThatThrownBy(() -> new WeightingConfig("tokens", 0, -1)).hasMessageContaining("'tokens'").hasMessageContaining("uniform, shard-size");
        assertThatThrownBy(() -> new WeightingConfig("uniform", 0, -2)).hasMessageContaining("max-staleness = -2");
        assertThatThrownBy(() -> new Contribution(1, -5, 0)).hasMessageContaining("shard size must be >= 0, got -5");
    }
}
