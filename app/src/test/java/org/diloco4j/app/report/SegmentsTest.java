package org.diloco4j.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.diloco4j.core.run.Segment.Kind.COMMUNICATE;
import static org.diloco4j.core.run.Segment.Kind.COMPUTE;
import static org.diloco4j.core.run.Segment.Kind.IDLE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.diloco4j.app.report.Segments.Block;
import org.diloco4j.app.report.Segments.Span;
import org.diloco4j.core.run.Segment;
import org.junit.jupiter.api.Test;

class SegmentsTest {
    /** Back-to-back segments of random kinds (runs of the same kind included) for several workers, shuffled. */
    static List<Segment> randomSegments(int workers, int perWorker, long seed) {
        Random rnd = new Random(seed);
        List<Segment> out = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            double t = rnd.nextDouble() * 5;
            for (int i = 0; i < perWorker; i++) {
                Segment.Kind k = Segment.Kind.values()[rnd.nextInt(3)];
                double d = rnd.nextDouble() < 0.2 ? rnd.nextDouble() * 50 : rnd.nextDouble() * 0.5;
                out.add(new Segment("w" + w, k, t, t + d));
                t += d + (rnd.nextDouble() < 0.05 ? rnd.nextDouble() * 20 : 0);
            }
        }
        java.util.Collections.shuffle(out, rnd);
        return out;
    }

    @Test
    void mergingKeepsTheTotalsOfEveryWorker() {
        List<Segment> raw = randomSegments(5, 4000, 7);
        Map<String, List<Span>> merged = Segments.mergeByWorker(raw);
        assertThat(merged).hasSize(5);
        int mergedCount = 0;
        for (var e : merged.entrySet()) {
            for (Segment.Kind k : Segment.Kind.values()) {
                double before = raw.stream().filter(s -> s.worker().equals(e.getKey()) && s.kind() == k)
                        .mapToDouble(Segment::seconds).sum();
                assertThat(Segments.totals(e.getValue()).get(k)).as(e.getKey() + " " + k)
                        .isCloseTo(before, Offset.offset(1e-6 * Math.max(1, before)));
            }
            List<Span> spans = e.getValue();
            mergedCount += spans.size();
            for (int i = 1; i < spans.size(); i++) {
                assertThat(spans.get(i).start()).isGreaterThanOrEqualTo(spans.get(i - 1).start());
            }
            // Nothing mergeable is left: no same-kind neighbours in time that touch.
            for (Segment.Kind k : Segment.Kind.values()) {
                List<Span> ofKind = spans.stream().filter(s -> s.kind() == k).toList();
                for (int i = 1; i < ofKind.size(); i++) {
                    assertThat(ofKind.get(i).start()).isGreaterThan(ofKind.get(i - 1).end());
                }
            }
        }
        // About a third of the neighbours have the same kind, so merging must remove many segments.
        assertThat(mergedCount).isLessThan(raw.size() * 3 / 4);
    }

    @Test
    void mergesOnlyTouchingSegmentsOfTheSameKind() {
        List<Span> merged = Segments.merge(List.of(
                new Span(COMPUTE, 0, 1), new Span(COMPUTE, 1, 2), new Span(COMMUNICATE, 2, 3),
                new Span(COMPUTE, 3, 4), new Span(IDLE, 5, 6), new Span(IDLE, 6, 6.5)));
        assertThat(merged).containsExactly(new Span(COMPUTE, 0, 2), new Span(COMMUNICATE, 2, 3),
                new Span(COMPUTE, 3, 4), new Span(IDLE, 5, 6.5));
    }

    @Test
    void communicationDuringComputeGoesToTheOverlapBand() {
        List<Span> merged = Segments.merge(List.of(
                new Span(COMPUTE, 0, 10), new Span(COMMUNICATE, 4, 6),      // fully overlapped
                new Span(COMMUNICATE, 9, 12),                              // partly overlapped
                new Span(COMPUTE, 12, 20), new Span(COMMUNICATE, 20, 22),   // after compute: main lane
                new Span(IDLE, 22, 25)));
        Segments.Lanes lanes = Segments.lanes(merged);
        assertThat(lanes.overlapped()).containsExactly(new Span(COMMUNICATE, 4, 6), new Span(COMMUNICATE, 9, 12));
        assertThat(lanes.main()).containsExactly(new Span(COMPUTE, 0, 10), new Span(COMMUNICATE, 10, 12),
                new Span(COMPUTE, 12, 20), new Span(COMMUNICATE, 20, 22), new Span(IDLE, 22, 25));
    }

    private static List<Integer> levels(int compute, int communicate, int idle) {
        return List.of(compute, communicate, idle);
    }

    @Test
    void wideSpansKeepTheirEdges() {
        List<Span> lane = List.of(new Span(COMPUTE, 0, 100), new Span(COMMUNICATE, 100, 110), new Span(IDLE, 130, 200));
        List<Block> blocks = Segments.rasterize(lane, 0, 200, 200, 8);
        assertThat(blocks).extracting(Block::start).containsExactly(0.0, 100.0, 130.0);
        assertThat(blocks).extracting(Block::end).containsExactly(100.0, 110.0, 200.0);
        assertThat(blocks).extracting(Block::levels)
                .containsExactly(levels(8, 0, 0), levels(0, 8, 0), levels(0, 0, 8));
    }

    @Test
    void subPixelSegmentsShowTheirMix() {
        // 10,000 rounds of 0.9 s compute + 0.1 s communicate, then a long idle stretch, at 100 s per column.
        List<Span> lane = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            lane.add(new Span(COMPUTE, i, i + 0.9));
            lane.add(new Span(COMMUNICATE, i + 0.9, i + 1));
        }
        lane.add(new Span(IDLE, 10_000, 20_000));
        List<Block> blocks = Segments.rasterize(lane, 0, 20_000, 200, 8);
        assertThat(blocks).hasSize(2);
        Block mixed = blocks.get(0);
        assertThat(mixed.start()).isZero();
        assertThat(mixed.end()).isCloseTo(10_000, Offset.offset(1e-6));
        assertThat(mixed.levels()).isEqualTo(levels(7, 1, 0));
        assertThat(mixed.share(COMPUTE)).isCloseTo(0.9, Offset.offset(1e-6));
        assertThat(mixed.share(COMMUNICATE)).isCloseTo(0.1, Offset.offset(1e-6));
        assertThat(blocks.get(1).levels()).isEqualTo(levels(0, 0, 8));
        assertThat(blocks.get(1).start()).isCloseTo(10_000, Offset.offset(1e-6));
    }

    @Test
    void mostlyEmptyStretchesStayEmpty() {
        // A 0.01 s message every 10 s at 100 s per column covers 0.1% of the time: nothing to draw.
        List<Span> lane = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            lane.add(new Span(COMMUNICATE, i * 10.0, i * 10.0 + 0.01));
        }
        assertThat(Segments.rasterize(lane, 0, 10_000, 100, 8)).isEmpty();
    }

    @Test
    void aColumnOfOneKindIsAllOrNothing() {
        // Columns of 10 s: [0,10) is 60% compute -> drawn full; [10,20) 40% -> left empty.
        List<Span> lane = List.of(new Span(COMPUTE, 4, 10), new Span(IDLE, 16, 20));
        List<Block> blocks = Segments.rasterize(lane, 0, 20, 2, 8);
        assertThat(blocks).hasSize(1);
        assertThat(blocks.get(0).levels()).isEqualTo(levels(8, 0, 0));
        assertThat(blocks.get(0).start()).isEqualTo(4.0);
        assertThat(blocks.get(0).end()).isEqualTo(10.0);
        assertThat(blocks.get(0).share(COMPUTE)).isCloseTo(1.0, Offset.offset(1e-12));
    }

    @Test
    void levelsOfAColumnNeverExceedTheHeight() {
        // Thirds of 8 levels round to 3 + 3 + 3 = 9: one must give way.
        List<Span> lane = List.of(new Span(COMPUTE, 0, 1 / 3.0), new Span(COMMUNICATE, 1 / 3.0, 2 / 3.0),
                new Span(IDLE, 2 / 3.0, 1));
        List<Block> blocks = Segments.rasterize(lane, 0, 1, 1, 8);
        assertThat(blocks).hasSize(1);
        assertThat(blocks.get(0).levels().stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
    }

    @Test
    void blockCountIsBoundedByTheColumnsAndSharesAddUp() {
        List<Span> lane = Segments.merge(randomSegments(1, 50_000, 3).stream()
                .map(s -> new Span(s.kind(), s.start(), s.end())).toList());
        double end = lane.get(lane.size() - 1).end();
        int columns = 944;
        List<Block> blocks = Segments.rasterize(lane, 0, end, columns, 8);
        assertThat(blocks.size()).isLessThanOrEqualTo(columns);
        double covered = 0;
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            if (i > 0) {
                assertThat(b.start()).isGreaterThanOrEqualTo(blocks.get(i - 1).end() - 1e-9);
            }
            for (Segment.Kind k : Segment.Kind.values()) {
                covered += b.share(k) * (b.end() - b.start());
            }
        }
        // Every second of every segment lands in some block (columns with a mix under 1/16 are dropped).
        double total = lane.stream().mapToDouble(Span::duration).sum();
        assertThat(covered).isCloseTo(total, Offset.offset(total * 0.01));
        assertThatThrownBy(() -> Segments.rasterize(lane, 0, end, 0, 8)).hasMessageContaining("columns >= 1");
    }
}
