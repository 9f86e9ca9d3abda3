package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.ingest.ArrivalCounts;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Range;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The coordinator's memory bound: its parts per optimizer and plan, and the refusal at start. No test allocates the sizes it checks. */
class MemoryBoundTest {
    static final long GIB = 1L << 30;
    static final int BILLION = 1_000_000_000;

    static CoordinatorConfig asyncDn(int workers) {
        return CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(10).dylu(true).minWorkers(workers)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, workers, 0)).upCodec("int8").downCodec("bf16").build();
    }

    static RunDefinition run(CoordinatorConfig cc, FragmentPlan plan) {
        return RunDefinition.of("# memory bound test\n", cc, plan, RuntimeOptions.defaults().chunkBytes());
    }

    static RuntimeOptions admitting(int workers) {
        return RuntimeOptions.defaults().withAdmission(new AdmissionLimits(workers, 0, 0));
    }

    @Test
    void oneBillionParametersOfAsyncDelayedNesterovWithEightWorkersIsIssue14sBound() {
        CoordinatorConfig cc = asyncDn(8);
        RunDefinition run = run(cc, FragmentPlan.whole(BILLION));
        MemoryBound b = MemoryBound.of(run, cc, admitting(8), 16 * GIB);
        long bf16Theta = Codecs.parse("bf16").encodedSize(BILLION);
        assertThat(b.thetaBytes()).isEqualTo(4L * BILLION);
        assertThat(b.optimizerBytes()).as("momentum and accumulator").isEqualTo(2 * 4L * BILLION);
        // The snapshot budget keeps at least one whole encoded θ, however small its cap.
        assertThat(b.snapshotBytes()).isEqualTo(bf16Theta);
        assertThat(b.workers()).isEqualTo(8);
        RuntimeOptions opts = admitting(8);
        // A chunk of each of its uploads in flight, and each upload's int8 codes counted as they arrive:
        // 256 counts and 256 table entries (2 KiB) per 64K-value chunk, one table and the header besides.
        long int8Chunks = (BILLION + 65_535) / 65_536;
        long counts = b.perWorkerBytes() / opts.maxPushesPerMember() - opts.chunkBytes();
        assertThat(b.perWorkerBytes() % opts.maxPushesPerMember()).isZero();
        assertThat(counts).as("arrival counts per upload").isBetween(int8Chunks * 2048 + 1024, int8Chunks * 2048 + 2048);
        assertThat(b.spoolBytes()).as("the spool's budget, once for all workers").isEqualTo(SpoolOptions.DEFAULT_MEMORY);
        assertThat(b.needBytes()).isEqualTo(12L * BILLION + bf16Theta + SpoolOptions.DEFAULT_MEMORY + 8 * b.perWorkerBytes());
        assertThat(b.fits()).isTrue();
        assertThat(b.place()).isEqualTo(SnapshotPlace.HEAP);
        assertThat(MemoryBound.of(run, cc, admitting(8).withThetaSnapshots(SnapshotPlace.HEAP), 13 * GIB).fits()).isFalse();
    }

    /**
     * Auto: snapshots on the heap while it holds them beside θ, the optimizer and the uploads; in files
     * when it holds only those; refused below. At 1B, 8 workers, bf16 down: 14.55 GB with snapshots on
     * the heap, 12.56 GB without (until this bound knew files, 13 GiB was refused; 0.5 GB of it are the
     * arrival counts of two int8 uploads per worker).
     */
    @Test
    void theHeapDecidesWhetherSnapshotsAreOnItInFilesOrTheCoordinatorIsRefused() {
        CoordinatorConfig cc = asyncDn(8);
        RunDefinition run = run(cc, FragmentPlan.whole(BILLION));
        long bf16Theta = Codecs.parse("bf16").encodedSize(BILLION);
        long counts = ArrivalCounts.heapBytes(Codecs.parse("int8").blocks(), (int) BILLION); // checked in the test above
        long rest = 12L * BILLION + SpoolOptions.DEFAULT_MEMORY + 8 * 2 * ((1L << 20) + counts);

        MemoryBound heap = MemoryBound.of(run, cc, admitting(8), rest + bf16Theta);
        assertThat(heap.place()).isEqualTo(SnapshotPlace.HEAP);
        assertThat(heap.fits()).isTrue();
        assertThat(heap.snapshotHeapBytes()).isEqualTo(bf16Theta);

        MemoryBound file = MemoryBound.of(run, cc, admitting(8), rest + bf16Theta - 1);
        assertThat(file.place()).isEqualTo(SnapshotPlace.FILE);
        assertThat(file.fits()).isTrue();
        assertThat(file.snapshotHeapBytes()).as("a piece being encoded and a chunk per worker's pull").isEqualTo(FileSnapshots.HEAP_BYTES + 8 * (1L << 20));
        assertThat(file.snapshotBytes()).as("the budget, on disk: one θ").isEqualTo(bf16Theta);
        assertThat(MemoryBound.of(run, cc, admitting(8), 13 * GIB).fits()).as("13 GiB: files").isTrue();

        MemoryBound none = MemoryBound.of(run, cc, admitting(8), rest + file.snapshotHeapBytes() - 1);
        assertThat(none.fits()).isFalse();
        assertThat(none.problem()).contains("(kept in files)");
        assertThat(none.heapThatFitsGib()).isEqualTo(12);
        assertThat(MemoryBound.of(run, cc, admitting(8), 12 * GIB).fits()).isTrue();

        assertThat(MemoryBound.of(run, cc, admitting(8).withThetaSnapshots(SnapshotPlace.HEAP), rest + bf16Theta - 1).fits())
                .as("asked for on the heap: refused where auto uses files").isFalse();
        assertThat(MemoryBound.of(run, cc, admitting(8).withThetaSnapshots(SnapshotPlace.FILE), 16 * GIB).place())
                .as("asked for in files: files, whatever the heap").isEqualTo(SnapshotPlace.FILE);
    }

    /** The spool's in-memory budget is what the options say (the spool uses the same), and no more than every upload in flight. */
    @Test
    void theUploadsInMemoryAreTheSpoolsBudgetCountedOnce() {
        CoordinatorConfig cc = asyncDn(8);
        RunDefinition big = run(cc, FragmentPlan.whole(BILLION));
        RuntimeOptions opts = admitting(8).withSpool(SpoolOptions.in(java.nio.file.Path.of("/tmp"), 3 * GIB));
        assertThat(MemoryBound.of(big, cc, opts, 32 * GIB).spoolBytes()).isEqualTo(3 * GIB);
        assertThat(MemoryBound.of(big, cc, opts, 32 * GIB).needBytes() - MemoryBound.of(big, cc, admitting(8), 32 * GIB).needBytes())
                .isEqualTo(3 * GIB - SpoolOptions.DEFAULT_MEMORY);
        RunDefinition small = run(cc, FragmentPlan.whole(1000));
        assertThat(MemoryBound.of(small, cc, opts, GIB).spoolBytes()).as("8 workers × 2 uploads of a 1000-parameter model")
                .isEqualTo(8L * opts.maxPushesPerMember() * small.deltaBytes(0));
    }

    @Test
    void theOptimizersBuffersAreCountedByKind() {
        FragmentPlan plan = FragmentPlan.whole(1000);
        for (var c : List.of(OuterOptimizerConfig.sgd(0.7), OuterOptimizerConfig.nesterov(0.7, 0.9), OuterOptimizerConfig.momentum(0.7, 0.9),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0))) {
            CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(4).outer(c).build();
            long expected = switch (c.kind()) {
                case SGD -> 0;
                case NESTEROV, MOMENTUM -> 4 * 1000;
                case DELAYED_NESTEROV -> 2 * 4 * 1000;
            };
            assertThat(MemoryBound.of(run(cc, plan), cc, admitting(4), GIB).optimizerBytes()).as(c.kind().id()).isEqualTo(expected);
        }
    }

    @Test
    void streamingKeepsOneOptimizerPerFragment() {
        FragmentPlan plan = new FragmentPlan(List.of(new Fragment(0, List.of(new Range(0, 300))), new Fragment(1, List.of(new Range(300, 500))),
                new Fragment(2, List.of(new Range(800, 200)))), List.of("a", "b", "c"), 1000);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(30).minWorkers(2)
                .outer(OuterOptimizerConfig.nesterov(0.7, 0.9)).build();
        MemoryBound b = MemoryBound.of(run(cc, plan), cc, admitting(2), GIB);
        assertThat(b.optimizerBytes()).isEqualTo(4L * (300 + 500 + 200));
        // A worker's upload is one fragment's pseudo-gradient, the largest one counts, as many as it may have in flight.
        assertThat(b.perWorkerBytes()).isEqualTo(admitting(2).maxPushesPerMember() * run(cc, plan).deltaBytes(1));
    }

    @Test
    void theDefaultAdmissionCapIsWhatIsCounted() {
        CoordinatorConfig cc = asyncDn(4);
        MemoryBound b = MemoryBound.of(run(cc, FragmentPlan.whole(1000)), cc, RuntimeOptions.defaults(), GIB);
        assertThat(b.workers()).isEqualTo(AdmissionLimits.DEFAULT.resolve(4).maxMembers());
    }

    @Test
    void theRefusalIsOneLineNamingTheNeedTheHeapAndTheWayOut() {
        CoordinatorConfig cc = asyncDn(8);
        RunDefinition run = run(cc, FragmentPlan.whole(BILLION));
        MemoryBound b = MemoryBound.of(run, cc, admitting(8), 8 * GIB);
        long fits = b.heapThatFitsGib();
        assertThat(MemoryBound.of(run, cc, admitting(8), fits * GIB).fits()).isTrue();
        assertThat(MemoryBound.of(run, cc, admitting(8), (fits - 1) * GIB).fits()).isFalse();
        String line = b.problem() + "; " + b.remedy();
        assertThat(line).doesNotContain("\n").contains("8.0 GiB", "delayed-nesterov", "8 workers", "-Xmx" + fits + "g",
                MemoryBound.JAVA_OPTS, "--max-workers");
        assertThatThrownBy(b::require).isInstanceOf(IllegalStateException.class).hasMessage(line);
    }

    @Test
    void theRuntimeRefusesToStartWhenItsHeapCannotHoldTheAdmittedWorkers() {
        CoordinatorConfig cc = asyncDn(2);
        RunDefinition run = run(cc, FragmentPlan.whole(100_000));
        // A million admitted workers of a 100k-parameter model, two ~100 kB uploads each: 200 GB, more than any test JVM may grow to.
        RuntimeOptions opts = admitting(1_000_000);
        Coordinator coordinator = new Coordinator(cc, run.plan(), new float[100_000], m -> { });
        assertThatThrownBy(() -> CoordinatorRuntime.start(run, coordinator, opts, null, null, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1000000 workers").hasMessageContaining("-Xmx");
        assertThat(MemoryBound.of(run, cc, admitting(2), Runtime.getRuntime().maxMemory()).fits()).as("the same run, two workers").isTrue();
    }
}
