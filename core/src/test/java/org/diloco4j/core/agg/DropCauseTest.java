package org.diloco4j.core.agg;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each drop the aggregation decides carries its code, in the decision and in the report. */
class DropCauseTest {
    static final int N = 4;
    final float[] ok = {1, 2, 3, 4};

    @Test
    void aSecondContributionOfTheSameMemberIsADuplicate() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform());
        assertThat(agg.add(Contribution.of(0), ok).cause()).isNull();
        assertThat(agg.add(Contribution.of(0), ok).cause()).isEqualTo(DropCause.DUPLICATE);
        assertThat(agg.report().dropped()).extracting(AggregationReport.Entry::cause).containsExactly(DropCause.DUPLICATE);
        assertThat(agg.report().included()).extracting(AggregationReport.Entry::cause).containsOnlyNulls();
    }

    @Test
    void nanOrInfValuesAreNonFinite() {
        WeightedMean agg = new WeightedMean(N, WeightPolicy.uniform());
        assertThat(agg.add(Contribution.of(0), new float[]{1, Float.NaN, 3, 4}).cause()).isEqualTo(DropCause.NON_FINITE);
        assertThat(agg.report().dropped()).extracting(AggregationReport.Entry::cause).containsExactly(DropCause.NON_FINITE);
    }

    @Test
    void aWeightFp32CannotHoldIsNotRepresentable() {
        WeightedMean agg = new WeightedMean(N, new WeightPolicy() {
            public WeightDecision weigh(Contribution c) {
                return WeightDecision.include(1e300, "huge");
            }

            public String describe() {
                return "huge";
            }
        });
        assertThat(agg.add(Contribution.of(0), ok).cause()).isEqualTo(DropCause.WEIGHT_NOT_REPRESENTABLE);
        assertThat(agg.report().dropped()).extracting(AggregationReport.Entry::cause).containsExactly(DropCause.WEIGHT_NOT_REPRESENTABLE);
    }

    @Test
    void stalerThanTheMaximumIsStale() {
        WeightPolicy p = WeightPolicy.uniform().dropIfStalerThan(1);
        assertThat(p.weigh(new Contribution(0, 0, 1)).cause()).isNull();
        assertThat(p.weigh(new Contribution(0, 0, 2)).cause()).isEqualTo(DropCause.STALE);
    }

    @Test
    void shardSizeWeightingWithoutAShardSizeHasNone() {
        assertThat(WeightPolicy.shardSize().weigh(new Contribution(0, 0, 0)).cause()).isEqualTo(DropCause.NO_SHARD_SIZE);
        assertThat(WeightPolicy.shardSize().weigh(new Contribution(0, 10, 0)).cause()).isNull();
    }

    @Test
    void aDropWithoutACauseOrAnInclusionWithOneIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WeightDecision(false, 0, "why", null))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WeightDecision(true, 1, "why", DropCause.STALE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
