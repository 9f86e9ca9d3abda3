package org.diloco4j.core.params;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FragmentPlannerTest {
    static final int D = 16;

    /** A GPT-shaped layout: embeddings, {@code blocks} transformer blocks, final norm. */
    static ParamLayout gpt(int blocks) {
        ParamLayout.Builder b = ParamLayout.builder().add("tok_emb.weight", 256, D).add("pos_emb.weight", 32, D);
        for (int i = 0; i < blocks; i++) {
            b.add("blocks." + i + ".ln1.weight", D)
                    .add("blocks." + i + ".attn.qkv.weight", 3 * D, D)
                    .add("blocks." + i + ".attn.proj.weight", D, D)
                    .add("blocks." + i + ".mlp.fc.weight", 4 * D, D)
                    .add("blocks." + i + ".mlp.proj.weight", D, 4 * D);
        }
        return b.add("ln_f.weight", D).build();
    }

    static Range block(ParamLayout l, int i) {
        long start = l.get("blocks." + i + ".ln1.weight").offset();
        ParamSpec last = l.get("blocks." + i + ".mlp.proj.weight");
        return new Range(start, last.offset() + last.numel() - start);
    }

    /** Whether one of the fragment's ranges contains all of {@code r}. */
    static boolean covers(Fragment f, Range r) {
        return f.ranges().stream().anyMatch(x -> x.start() <= r.start() && x.end() >= r.end());
    }

    /** Sizes of the fragments as the largest over the smallest. */
    static double spread(FragmentPlan p) {
        long[] s = p.sizes();
        return (double) java.util.Arrays.stream(s).max().orElseThrow() / java.util.Arrays.stream(s).min().orElseThrow();
    }

    @Test
    void oneFragmentIsTheWholeModel() {
        ParamLayout l = gpt(8);
        for (BlockAssignment a : BlockAssignment.values()) assertThat(FragmentPlanner.plan(l, 1, a).fragments()).containsExactly(l.whole());
    }

    /**
     * The default GPT (vocabulary 256, 4 blocks, d 128, context 128): 49,408 shared floats and four
     * blocks of 198,272. Strided with P = 4, every fragment holds one block and a quarter of the
     * shared floats: 210,624 each, so a sync moves exactly a quarter of the 842,496.
     */
    @Test
    void theDefaultGptSplitsIntoFourEqualFragments() {
        int d = 128;
        ParamLayout.Builder b = ParamLayout.builder().add("tok_emb.weight", 256, d).add("pos_emb.weight", 128, d);
        for (int i = 0; i < 4; i++) {
            String p = "blocks." + i + ".";
            b.add(p + "ln1.weight", d).add(p + "ln1.bias", d).add(p + "attn.qkv.weight", 3 * d, d).add(p + "attn.qkv.bias", 3 * d)
                    .add(p + "attn.proj.weight", d, d).add(p + "attn.proj.bias", d).add(p + "ln2.weight", d).add(p + "ln2.bias", d)
                    .add(p + "mlp.fc.weight", 4 * d, d).add(p + "mlp.fc.bias", 4 * d).add(p + "mlp.proj.weight", d, 4 * d).add(p + "mlp.proj.bias", d);
        }
        ParamLayout l = b.add("ln_f.weight", d).add("ln_f.bias", d).build();
        assertThat(l.size()).isEqualTo(842_496);
        FragmentPlan p = FragmentPlanner.plan(l, 4, BlockAssignment.STRIDED);
        assertThat(p.sizes()).containsExactly(210_624, 210_624, 210_624, 210_624);
        assertThat(p.labels()).containsExactly("block 0 + 12352 shared floats", "block 1 + 12352 shared floats",
                "block 2 + 12352 shared floats", "block 3 + 12352 shared floats");
        // Fragment 0: the first quarter of the token embeddings, then block 0; the last: the end of the
        // position embeddings, block 3 and the final norm.
        assertThat(p.fragment(0).ranges()).containsExactly(new Range(0, 12_352), new Range(49_152, 198_272));
        assertThat(p.fragment(3).ranges()).containsExactly(new Range(3 * 12_352, 49_152 - 3 * 12_352),
                new Range(49_152 + 3 * 198_272, 198_272 + 256));
        assertThat(FragmentPlanner.plan(l, 4, BlockAssignment.SEQUENTIAL).sizes()).containsExactly(210_624, 210_624, 210_624, 210_624);
        assertThat(FragmentPlanner.plan(l, 2, BlockAssignment.STRIDED).sizes()).containsExactly(421_248, 421_248);
        assertThat(FragmentPlanner.plan(l, 2, BlockAssignment.STRIDED).labels()).containsExactly(
                "blocks 0,2 + 24704 shared floats", "blocks 1,3 + 24704 shared floats");
    }

    @Test
    void stridedInterleavesWholeBlocksAndSequentialKeepsThemConsecutive() {
        ParamLayout l = gpt(8);
        FragmentPlan strided = FragmentPlanner.plan(l, 4, BlockAssignment.STRIDED);
        assertThat(strided.labels()).allSatisfy(x -> assertThat(x).endsWith(" shared floats"))
                .extracting(x -> x.substring(0, x.indexOf(" +"))).containsExactly("blocks 0,4", "blocks 1,5", "blocks 2,6", "blocks 3,7");
        for (int g = 0; g < 4; g++) {
            assertThat(covers(strided.fragment(g), block(l, g))).isTrue();
            assertThat(covers(strided.fragment(g), block(l, g + 4))).isTrue();
        }
        FragmentPlan sequential = FragmentPlanner.plan(l, 4, BlockAssignment.SEQUENTIAL);
        assertThat(sequential.labels()).extracting(x -> x.substring(0, x.indexOf(" +")))
                .containsExactly("blocks 0-1", "blocks 2-3", "blocks 4-5", "blocks 6-7");
        for (int g = 0; g < 4; g++) {
            Range a = block(l, 2 * g), b = block(l, 2 * g + 1);
            assertThat(covers(sequential.fragment(g), new Range(a.start(), a.length() + b.length()))).isTrue();
        }
    }

    /** Blocks left over when the count is not a multiple of P are shared out with the embeddings: sizes within one float. */
    @Test
    void blocksThatDoNotDivideEvenlyAreSharedOut() {
        for (int blocks : new int[] {5, 6, 7, 9, 10, 11}) {
            ParamLayout l = gpt(blocks);
            for (BlockAssignment a : BlockAssignment.values()) {
                for (int fragments = 2; fragments <= Math.min(blocks, 6); fragments++) {
                    FragmentPlan p = FragmentPlanner.plan(l, fragments, a);
                    long[] s = p.sizes();
                    long max = java.util.Arrays.stream(s).max().orElseThrow();
                    long min = java.util.Arrays.stream(s).min().orElseThrow();
                    assertThat(max - min).as("%d blocks, %s, P = %d: %s", blocks, a, fragments, p).isLessThanOrEqualTo(1);
                    assertThat(spread(p)).isLessThan(1.25);
                }
            }
        }
        // 5 blocks in 4 fragments: blocks 0..3 whole, block 4 and the shared floats cut into four.
        FragmentPlan p = FragmentPlanner.plan(gpt(5), 4, BlockAssignment.STRIDED);
        assertThat(p.labels()).extracting(x -> x.substring(0, x.indexOf(" +"))).containsExactly("block 0", "block 1", "block 2", "block 3");
        Range four = block(gpt(5), 4);
        int covered = 0;
        for (Fragment f : p.fragments()) {
            for (Range r : f.ranges()) covered += Math.max(0, Math.min(r.end(), four.end()) - Math.max(r.start(), four.start()));
        }
        assertThat(covered).isEqualTo(four.length());
    }

    /** More fragments than blocks (or P = blocks + 1, which used to make the embeddings a fragment): all pool, still balanced. */
    @Test
    void moreFragmentsThanBlocksCutTheModelIntoEqualSlices() {
        ParamLayout l = gpt(3);
        FragmentPlan p = FragmentPlanner.plan(l, 4, BlockAssignment.STRIDED);
        assertThat(p.labels()).allSatisfy(x -> assertThat(x).matches("\\d+ shared floats"));
        assertThat(spread(p)).isLessThan(1.0001);
        assertThatThrownBy(() -> FragmentPlanner.plan(ParamLayout.single("theta", 2), 3, BlockAssignment.SEQUENTIAL))
                .hasMessageContaining("cannot split 2 floats into 3");
        assertThatThrownBy(() -> FragmentPlanner.plan(l, 0, BlockAssignment.SEQUENTIAL)).hasMessageContaining("got 0");
    }

    /** Blocks of unequal sizes: the pool tops the small ones up first; a block larger than the level keeps its size. */
    @Test
    void waterFillingTopsUpTheSmallestFragmentsFirst() {
        assertThat(FragmentPlanner.waterFill(new long[] {10, 4, 7}, 5)).containsExactly(0, 4, 1);
        assertThat(FragmentPlanner.waterFill(new long[] {10, 4, 7}, 30)).containsExactly(7, 13, 10); // 17, 17, 17
        assertThat(FragmentPlanner.waterFill(new long[] {5, 5, 5}, 4)).containsExactly(2, 1, 1);
        assertThat(FragmentPlanner.waterFill(new long[] {5, 5}, 0)).containsExactly(0, 0);
        ParamLayout l = ParamLayout.builder().add("emb", 6).add("blocks.0.w", 3).add("blocks.1.w", 5).add("blocks.2.w", 7).build();
        FragmentPlan p = FragmentPlanner.plan(l, 3, BlockAssignment.STRIDED);
        assertThat(p.sizes()).containsExactly(7, 7, 7);
        assertThat(p.labels()).containsExactly("block 0 + 4 shared floats", "block 1 + 2 shared floats", "block 2");
    }

    @Test
    void unstructuredLayoutsSplitIntoNearEqualContiguousRanges() {
        FragmentPlan p = FragmentPlanner.plan(ParamLayout.single("theta", 10), 3, BlockAssignment.STRIDED);
        assertThat(p.fragments()).extracting(Fragment::ranges).containsExactly(
                List.of(new Range(0, 4)), List.of(new Range(4, 3)), List.of(new Range(7, 3)));
        assertThat(p.labels()).containsExactly("floats [0, 4)", "floats [4, 7)", "floats [7, 10)");
    }

    @Test
    void everyPlanPartitionsTheVector() {
        ParamLayout l = gpt(8);
        float[] theta = TestVectors.gaussian(1, l.arraySize(), 1);
        for (BlockAssignment a : BlockAssignment.values()) {
            for (int fragments = 1; fragments <= 12; fragments++) {
                FragmentPlan p = FragmentPlanner.plan(l, fragments, a);
                float[] rebuilt = new float[l.arraySize()];
                long total = 0;
                for (Fragment f : p.fragments()) {
                    f.scatter(f.gather(theta), rebuilt);
                    total += f.size();
                }
                assertThat(total).isEqualTo(l.size());
                assertThat(rebuilt).as("%s with %d fragments", a, fragments).isEqualTo(theta);
            }
        }
    }

    @Test
    void parsesBlockIndices() {
        assertThat(FragmentPlanner.blockIndex("blocks.12.attn.qkv.weight")).isEqualTo(12);
        assertThat(FragmentPlanner.blockIndex("blocks.0.w")).isZero();
        assertThat(FragmentPlanner.blockIndex("blocks.3")).isEqualTo(-1);
        assertThat(FragmentPlanner.blockIndex("blocks.x.w")).isEqualTo(-1);
        assertThat(FragmentPlanner.blockIndex("blocks..w")).isEqualTo(-1);
        assertThat(FragmentPlanner.blockIndex("myblocks.1.w")).isEqualTo(-1);
        assertThat(FragmentPlanner.blockIndex("tok_emb.weight")).isEqualTo(-1);
    }

    @Test
    void planConstructorRejectsGapsAndOverlaps() {
        Fragment a = new Fragment(0, List.of(new Range(0, 5)));
        assertThatThrownBy(() -> new FragmentPlan(List.of(a, new Fragment(1, List.of(new Range(6, 4)))), List.of("a", "b"), 10))
                .hasMessageContaining("gap at float 5");
        assertThatThrownBy(() -> new FragmentPlan(List.of(a, new Fragment(1, List.of(new Range(4, 6)))), List.of("a", "b"), 10))
                .hasMessageContaining("overlap at float 4");
        assertThatThrownBy(() -> new FragmentPlan(List.of(a), List.of("a"), 10)).hasMessageContaining("cover [0, 5) but the vector has 10");
        assertThatThrownBy(() -> new FragmentPlan(List.of(new Fragment(1, List.of(new Range(0, 10)))), List.of("a"), 10))
                .hasMessageContaining("index 0 has id 1");
        assertThat(BlockAssignment.parse("Strided")).isEqualTo(BlockAssignment.STRIDED);
        assertThatThrownBy(() -> BlockAssignment.parse("random")).hasMessageContaining("sequential, strided");
    }
}
