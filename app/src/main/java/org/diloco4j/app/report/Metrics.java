package org.diloco4j.app.report;

import java.util.List;
import java.util.Optional;

/**
 * The events of {@code metrics.jsonl}, split by type and kept in file order. Times are seconds of the
 * run's clock (simulated seconds for the simulator, wall seconds for the network runtime).
 */
public record Metrics(
        Optional<RunStart> runStart,
        List<OuterStep> outerSteps,
        List<Decision> decisions,
        List<EvalPoint> evals,
        List<TrainLoss> trainLosses,
        List<Segment> segments) {

    public Metrics {
        outerSteps = List.copyOf(outerSteps);
        decisions = List.copyOf(decisions);
        evals = List.copyOf(evals);
        trainLosses = List.copyOf(trainLosses);
        segments = List.copyOf(segments);
    }

    /** {@code run_start}: what was run and on which (simulated) machines. */
    public record RunStart(String method, long modelParams, List<WorkerProfile> workers) {
        public RunStart {
            workers = List.copyOf(workers);
        }
    }

    /** One worker's machine profile; numbers the writer left out are NaN, an unknown shard is -1. */
    public record WorkerProfile(String name, double secondsPerStep, double upMbps, double downMbps,
                                double latencyMs, int shard) {
    }

    /** {@code outer_step}: one update of the global parameters. Byte counts are cumulative. */
    public record OuterStep(double time, long step, long version, int fragment, List<Integer> contributors,
                            List<Integer> staleness, List<Double> weights, int members, long tokens,
                            long bytesUp, long bytesDown, double deltaNorm) {
        public OuterStep {
            contributors = List.copyOf(contributors);
            staleness = List.copyOf(staleness);
            weights = List.copyOf(weights);
        }
    }

    /** {@code decision}: a membership or acceptance decision and why; member is -1 when none applies. */
    public record Decision(double time, String kind, int member, String reason) {
    }

    /** {@code eval}: held-out loss of the global parameters. Byte counts are cumulative. */
    public record EvalPoint(double time, long tokens, long version, double loss, double ppl,
                            long bytesUp, long bytesDown) {
        public long bytesTotal() {
            return bytesUp + bytesDown;
        }
    }

    /** {@code train_loss}: one worker's (sampled) training loss. */
    public record TrainLoss(double time, String worker, long step, double loss) {
    }

    /** {@code segment}: an interval a worker spent in one activity. */
    public record Segment(String worker, SegmentKind kind, double start, double end) {
        public double duration() {
            return end - start;
        }
    }

    /** What a worker was doing during a segment. */
    public enum SegmentKind {
        COMPUTE("compute"), COMMUNICATE("communicate"), IDLE("idle");

        private final String wire;

        SegmentKind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** The kind named {@code wire} in the file, or empty for a kind this version does not know. */
        public static Optional<SegmentKind> fromWire(String wire) {
            for (SegmentKind k : values()) {
                if (k.wire.equals(wire)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }
}
