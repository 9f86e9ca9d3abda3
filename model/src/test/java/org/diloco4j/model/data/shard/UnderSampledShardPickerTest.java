package org.diloco4j.model.data.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class UnderSampledShardPickerTest {
    @Test
    void picksLowestConsumedToSizeRatio() {
        UnderSampledShardPicker p = new UnderSampledShardPicker(new long[] {100, 300, 600});
        assertThat(p.pick()).isZero();
        p.consume(0, 50);
        assertThat(p.pick()).isEqualTo(1);
        p.consume(1, 30);
        assertThat(p.pick()).isEqualTo(2);
        p.consume(2, 120);
        // ratios 0.5, 0.1, 0.2
        assertThat(p.pick()).isEqualTo(1);
        assertThat(p.pick(Set.of(1))).isEqualTo(2);
        assertThatThrownBy(() -> p.pick(Set.of(0, 1, 2))).hasMessage("all 3 shards are busy");
    }

    @Test
    void equalWorkPerPickEndsProportionalToSize() {
        long[] sizes = {1_000, 3_000, 6_000};
        UnderSampledShardPicker p = new UnderSampledShardPicker(sizes);
        for (int i = 0; i < 1_000; i++) p.consume(p.pick(), 10);
        long[] c = p.consumed();
        for (int i = 0; i < 3; i++) {
            assertThat(Math.abs((double) c[i] / sizes[i] - 1.0)).isLessThanOrEqualTo(10.0 / sizes[i] + 1e-12);
        }
    }

    @Test
    void ratiosCompareExactlyForHugeCounts() {
        UnderSampledShardPicker p = new UnderSampledShardPicker(new long[] {Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 - 1});
        p.consume(0, Long.MAX_VALUE / 4);
        p.consume(1, Long.MAX_VALUE / 4);
        // Same consumption, shard 1 is slightly smaller, so its ratio is slightly larger.
        assertThat(p.pick()).isZero();
    }

    @Test
    void stateRestoresAndBadInputIsRejected() {
        UnderSampledShardPicker p = new UnderSampledShardPicker(new long[] {10, 10});
        p.restore(new long[] {5, 1});
        assertThat(p.pick()).isEqualTo(1);
        assertThat(p.consumed()).containsExactly(5, 1);
        assertThatThrownBy(() -> p.restore(new long[] {1})).hasMessage("saved counts for 1 shards, picker has 2");
        assertThatThrownBy(() -> new UnderSampledShardPicker(new long[] {5, 0})).hasMessage("shard 1 size 0 must be positive");
        assertThatThrownBy(() -> new UnderSampledShardPicker(new long[0])).hasMessage("no shards to pick from");
    }
}
