package org.diloco4j.app.report;

import java.util.List;
import java.util.Optional;
import org.diloco4j.app.run.RunClock;

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
        List<Segment> segments,
        List<Sample> samples) {

    public Metrics {
        outerSteps = List.copyOf(outerSteps);
        decisions = List.copyOf(decisions);
        evals = List.copyOf(evals);
        trainLosses = List.copyOf(trainLosses);
        segments = List.copyOf(segments);
        samples = List.copyOf(samples);
    }

    /** Events without text samples. */
    public Metrics(Optional<RunStart> runStart, List<OuterStep> outerSteps, List<Decision> decisions, List<EvalPoint> evals,
                   List<TrainLoss> trainLosses, List<Segment> segments) {
        this(runStart, outerSteps, decisions, evals, trainLosses, segments, List.of());
    }

    /** The last outer step recorded, if any. */
    public Optional<OuterStep> lastOuterStep() {
        return outerSteps.isEmpty() ? Optional.empty() : Optional.of(outerSteps.get(outerSteps.size() - 1));
    }

    /**
     * {@code run_start}: what was run and on which (simulated) machines.
     *
     * @param clock which clock the event times are on; empty in files written before it was recorded
     */
    public record RunStart(String method, Optional<RunClock> clock, long modelParams, List<WorkerProfile> workers) {
        public RunStart {
            workers = List.copyOf(workers);
        }

        public RunStart(String method, long modelParams, List<WorkerProfile> workers) {
            this(method, Optional.empty(), modelParams, workers);
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

    /**
     * {@code eval}: held-out loss of the global parameters. Byte counts are cumulative.
     *
     * @param bpb bits per byte of the evaluated text; NaN in files written before it was recorded
     */
    public record EvalPoint(double time, long tokens, long version, double loss, double ppl, double bpb,
                            long bytesUp, long bytesDown) {
        public long bytesTotal() {
            return bytesUp + bytesDown;
        }
    }

    /**
     * {@code train_loss}: one worker's (sampled) training loss, with its optimizer's learning rate,
     * pre-clip gradient norm and real throughput over the same steps (NaN where not recorded).
     */
    public record TrainLoss(double time, String worker, long step, double loss, double lr, double gradNorm,
                            double tokensPerSecond) {
        public TrainLoss(double time, String worker, long step, double loss) {
            this(time, worker, step, loss, Double.NaN, Double.NaN, Double.NaN);
        }
    }

    /** {@code sample}: a continuation of {@code prompt} sampled from the global model θ {@code version}. */
    public record Sample(double time, long version, int index, String prompt, String text, int tokens, long seed,
                         double temperature, int topK) {
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
