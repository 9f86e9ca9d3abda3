package org.diloco4j.core.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Layouts and fragment plans of 3B and ~70B parameters, built and queried without allocating a
 * vector: offsets, sizes and ranges are long, and only asking for one float[] of the model fails,
 * with one message. (Before issue 14 the builder refused any layout past 2^31 − 8 floats.)
 */
class LayoutBeyondIntTest {
    @Test
    void aThreeBillionLayoutHasLongOffsetsAndSize() {
        ParamLayout l = ParamLayout.builder().add("w", 50_000, 60_000).add("b", 10).build();
        assertThat(l.get("w").numel()).isEqualTo(3_000_000_000L);
        assertThat(l.get("b").offset()).isEqualTo(3_000_000_000L);
        assertThat(l.size()).isEqualTo(3_000_000_010L);
        assertThat(l.get("b").range()).isEqualTo(new Range(3_000_000_000L, 10));
        assertThat(l.whole().size()).isEqualTo(3_000_000_010L);
    }

    @Test
    void aSeventyBillionLayoutAddsUp() {
        ParamLayout l = BigLayouts.seventyB();
        long d = 8192, vocab = 32000;
        long expected = 2 * vocab * d + d + 80 * BigLayouts.blockFloats();
        assertThat(l.size()).isEqualTo(expected).isGreaterThan(68_000_000_000L);
        // Tensors are packed without gaps, in order.
        long next = 0;
        for (ParamSpec p : l.params()) {
            assertThat(p.offset()).as(p.name()).isEqualTo(next);
            next += p.numel();
        }
        assertThat(l.get("blocks.79.mlp.down.weight").range().end()).isEqualTo(l.size() - d - d * vocab);
    }

    @Test
    void onlyTheFloatArrayBoundaryRefusesAndSaysWhy() {
        ParamLayout l = BigLayouts.seventyB();
        assertThatThrownBy(l::arraySize).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Long.toString(l.size())).hasMessageContaining("single Java float[]")
                .hasMessageContaining(Integer.toString(Fp32Storage.MAX_VALUES));
        Range far = l.get("head.weight").range();
        assertThatThrownBy(far::arrayStart).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("single Java float[]");
        // A layout just under the limit still converts.
        ParamLayout small = ParamLayout.builder().add("w", 1 << 20).build();
        assertThat(small.arraySize()).isEqualTo(1 << 20);
    }

    @Test
    void aStridedPlanOfSeventyBillionPartitionsTheVectorEvenly() {
        ParamLayout l = BigLayouts.seventyB();
        for (int fragments : new int[] {8, 16, 3}) {
            FragmentPlan plan = FragmentPlanner.plan(l, fragments, BlockAssignment.STRIDED);
            long sum = 0, max = 0, min = Long.MAX_VALUE;
            for (long s : plan.sizes()) {
                sum += s;
                max = Math.max(max, s);
                min = Math.min(min, s);
            }
            assertThat(sum).isEqualTo(l.size());
            assertThat(plan.totalSize()).isEqualTo(l.size());
            // 80 blocks over P: with P | 80 every fragment has 80/P blocks and the pool levels them within a float.
            if (80 % fragments == 0) assertThat(max - min).as("P = %d", fragments).isLessThanOrEqualTo(1);
            assertThat(plan.maxFragmentSize()).isEqualTo(max).isGreaterThan(Integer.MAX_VALUE);
        }
        FragmentPlan p8 = FragmentPlanner.plan(l, 8, BlockAssignment.STRIDED);
        // Fragment 2 holds block 2 (strided), whose first tensor starts past 2^31.
        long block2 = l.get("blocks.2.ln1.weight").offset();
        assertThat(block2).isGreaterThan(Integer.MAX_VALUE);
        assertThat(p8.fragment(2).ranges()).anySatisfy(r -> assertThat(r.start()).isEqualTo(block2));
        assertThat(p8.label(2)).startsWith("blocks 2,10,18");
    }

    @Test
    void aBlocklessThreeBillionLayoutSplitsIntoContiguousRanges() {
        ParamLayout l = ParamLayout.builder().add("w", 50_000, 60_000).add("b", 3).build();
        FragmentPlan plan = FragmentPlanner.plan(l, 4, BlockAssignment.SEQUENTIAL);
        List<Range> ranges = new ArrayList<>();
        for (Fragment f : plan.fragments()) ranges.addAll(f.ranges());
        // 3,000,000,003 = 4 × 750,000,000 + 3: the first three fragments one float longer.
        assertThat(ranges).containsExactly(new Range(0, 750_000_001L), new Range(750_000_001L, 750_000_001L),
                new Range(1_500_000_002L, 750_000_001L), new Range(2_250_000_003L, 750_000_000L));
    }

    @Test
    void aHandBuiltPlanWithAGapPastTwoToTheThirtyOneIsRefused() {
        long size = 3_000_000_000L;
        List<Fragment> f = List.of(new Fragment(0, List.of(new Range(0, 2_500_000_000L))),
                new Fragment(1, List.of(new Range(2_500_000_001L, size - 2_500_000_001L))));
        assertThatThrownBy(() -> new FragmentPlan(f, List.of("a", "b"), size)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gap at float 2500000000");
    }
}
