package org.diloco4j.app.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.diloco4j.app.config.WorkerEntry;
import org.diloco4j.sim.StepTimeSource;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code run_start} event of metrics.jsonl: what was run and on which (simulated) machines.
 *
 * @param clock       which clock the event times are on; null in files written before it was
 *                    recorded, or naming a clock this version does not know
 * @param modelParams parameters of the model
 */
public record RunStart(@JsonProperty(required = true) String method, RunClock clock, long modelParams,
                       List<WorkerProfile> workers) {
    public RunStart {
        workers = List.copyOf(workers);
    }

    /**
     * One worker's machine profile; numbers the writer left out are NaN.
     *
     * @param shard    the data shard it trains on
     * @param stepTime which key decided {@code secondsPerStep}: seconds_per_step, device or flops; files
     *                 written before it was recorded read as seconds_per_step (their times were all given in seconds)
     * @param device   the device profile the worker named (docs/devices.md); left out when none
     */
    public record WorkerProfile(@JsonProperty(required = true) String name, double secondsPerStep, double upMbps,
                                double downMbps, double latencyMs, int shard, StepTimeSource stepTime,
                                @JsonInclude(JsonInclude.Include.NON_NULL) String device) {
        public WorkerProfile {
            if (stepTime == null) stepTime = StepTimeSource.SECONDS_PER_STEP;
        }

        /** A profile whose seconds per step was given. */
        public WorkerProfile(String name, double secondsPerStep, double upMbps, double downMbps, double latencyMs, int shard) {
            this(name, secondsPerStep, upMbps, downMbps, latencyMs, shard, StepTimeSource.SECONDS_PER_STEP, null);
        }
    }

    /** The run_start of a run configured with {@code workers}. */
    public static RunStart of(String method, RunClock clock, long params, List<WorkerEntry> workers) {
        List<WorkerProfile> ws = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            WorkerEntry w = workers.get(i);
            String device = w.device().profile().isEmpty() ? null : w.device().profile();
            ws.add(new WorkerProfile(w.name(), w.secondsPerStep(), w.upMbps(), w.downMbps(), w.latencyMs(), w.shardAt(i), w.stepTime(), device));
        }
        return new RunStart(method, clock, params, ws);
    }
}
