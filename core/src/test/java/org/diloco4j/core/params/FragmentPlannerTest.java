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
        int start = l.get("blocks." + i + ".ln1.weight").offset();
        ParamSpec last = l.get("blocks." + i + ".mlp.proj.weight");
        return new Range(start, last.offset() + last.numel() - start);
    }

    @Test
    void oneFragmentIsTheWholeModel() {
        ParamLayout l = gpt(8);
        FragmentPlan p = FragmentPlanner.plan(l, 1, BlockAssignment.SEQUENTIAL);
        assertThat(p.fragments()).containsExactly(l.whole());
    }

    @Test
    void sequentialGroupsConsecutiveBlocksAfterTheEmbeddings() {
        ParamLayout l = gpt(8);
        FragmentPlan p = FragmentPlanner.plan(l, 5, BlockAssignment.SEQUENTIAL);
        assertThat(p.labels()).containsExactly("embeddings", "blocks 0-1", "blocks 2-3", "blocks 4-5", "blocks 6-7");
        assertThat(p.fragment(0).ranges()).containsExactly(
                new Range(0, (256 + 32) * D), l.get("ln_f.weight").range());
        for (int g = 0; g < 4; g++) {
            Range a = block(l, 2 * g), b = block(l, 2 * g + 1);
            assertThat(p.fragment(g + 1).ranges()).as("adjacent blocks merge into one range")
                    .containsExactly(new Range(a.start(), a.length() + b.length()));
        }
    }

    @Test
    void stridedInterleavesBlocks() {
        ParamLayout l = gpt(8);
        FragmentPlan p = FragmentPlanner.plan(l, 5, BlockAssignment.STRIDED);
        assertThat(p.labels()).containsExactly("embeddings", "blocks 0,4", "blocks 1,5", "blocks 2,6", "blocks 3,7");
        for (int g = 0; g < 4; g++) assertThat(p.fragment(g + 1).ranges()).containsExactly(block(l, g), block(l, g + 4));
    }

    @Test
    void unevenSplitsGiveTheExtraBlocksToTheFirstGroups() {
        ParamLayout l = gpt(8);
        assertThat(FragmentPlanner.plan(l, 4, BlockAssignment.SEQUENTIAL).labels())
                .containsExactly("embeddings", "blocks 0-2", "blocks 3-5", "blocks 6-7");
        assertThat(FragmentPlanner.plan(l, 4, BlockAssignment.STRIDED).labels())
                .containsExactly("embeddings", "blocks 0,3,6", "blocks 1,4,7", "blocks 2,5");
        assertThat(FragmentPlanner.plan(gpt(10), 5, BlockAssignment.SEQUENTIAL).labels())
                .containsExactly("embeddings", "blocks 0-2", "blocks 3-5", "blocks 6-7", "blocks 8-9");
        assertThat(FragmentPlanner.plan(l, 2, BlockAssignment.STRIDED).labels()).containsExactly("embeddings", "blocks 0-7");
    }

    @Test
    void atMostOneFragmentPerBlockPlusEmbeddings() {
        ParamLayout l = gpt(8);
        FragmentPlan p = FragmentPlanner.plan(l, 9, BlockAssignment.SEQUENTIAL);
        assertThat(p.count()).isEqualTo(9);
        assertThat(p.label(8)).isEqualTo("block 7");
        assertThatThrownBy(() -> FragmentPlanner.plan(l, 10, BlockAssignment.SEQUENTIAL))
                .hasMessageContaining("cannot make 10 fragments").hasMessageContaining("8 blocks plus one embeddings unit, so at most 9");
        assertThatThrownBy(() -> FragmentPlanner.plan(l, 0, BlockAssignment.SEQUENTIAL)).hasMessageContaining("got 0");
    }

    @Test
    void withoutEmbeddingsAllFragmentsAreBlocks() {
        ParamLayout l = ParamLayout.builder().add("blocks.0.w", 3).add("blocks.1.w", 5).add("blocks.2.w", 7).build();
        FragmentPlan p = FragmentPlanner.plan(l, 3, BlockAssignment.STRIDED);
        assertThat(p.labels()).containsExactly("block 0", "block 1", "block 2");
        assertThat(p.sizes()).containsExactly(3, 5, 7);
        assertThat(p.maxFragmentSize()).isEqualTo(7);
        assertThatThrownBy(() -> FragmentPlanner.plan(l, 4, BlockAssignment.STRIDED)).hasMessageContaining("so at most 3");
    }

    @Test
    void unstructuredLayoutsSplitIntoNearEqualContiguousRanges() {
        FragmentPlan p = FragmentPlanner.plan(ParamLayout.single("theta", 10), 3, BlockAssignment.STRIDED);
        assertThat(p.fragments()).extracting(Fragment::ranges).containsExactly(
                List.of(new Range(0, 4)), List.of(new Range(4, 3)), List.of(new Range(7, 3)));
        assertThat(p.labels()).containsExactly("floats [0, 4)", "floats [4, 7)", "floats [7, 10)");
        assertThatThrownBy(() -> FragmentPlanner.plan(ParamLayout.single("theta", 2), 3, BlockAssignment.SEQUENTIAL))
                .hasMessageContaining("cannot split 2 floats into 3");
    }

    @Test
    void everyPlanPartitionsTheVector() {
        ParamLayout l = gpt(8);
        float[] theta = TestVectors.gaussian(1, l.size(), 1);
        for (BlockAssignment a : BlockAssignment.values()) {
            for (int fragments = 1; fragments <= 9; fragments++) {
                FragmentPlan p = FragmentPlanner.plan(l, fragments, a);
                float[] rebuilt = new float[l.size()];
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
