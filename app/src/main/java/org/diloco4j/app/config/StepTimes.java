package org.diloco4j.app.config;

import org.diloco4j.model.data.token.Tokenizers;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.sim.DeviceSpeed;
import org.diloco4j.sim.ModelShape;
import org.diloco4j.sim.StepTimeSource;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulated workers' seconds per step that follow the model's size: for a worker whose
 * {@code flops} or {@code device} decides, the model's training FLOPs per step (train.batch windows
 * of model.context tokens) over its sustained FLOP/s ({@link ModelShape}, docs/devices.md). Every
 * worker whose memory is known (a profile's, or memory_gb) is checked to hold the model's training
 * state, whichever key decides its step time.
 */
final class StepTimes {
    private StepTimes() {
    }

    /** {@code r} with every derived step time filled in, or the one error of a device that cannot hold the model. */
    static RunConfig derive(RunConfig r) {
        boolean any = r.workers().stream().anyMatch(StepTimes::needsModel)
                || r.faults().stream().anyMatch(f -> f.joiner() != null && needsModel(f.joiner()));
        if (!any) return r;
        ModelShape model = shape(r);
        int batch = r.integer("train.batch");
        List<WorkerEntry> workers = new ArrayList<>();
        for (WorkerEntry w : r.workers()) workers.add(derive(w, model, batch, "[[sim.workers]] '" + w.name() + "'"));
        List<FaultEntry> faults = new ArrayList<>();
        for (FaultEntry f : r.faults()) {
            faults.add(f.joiner() == null ? f : new FaultEntry(f.kind(), f.worker(), f.at(), f.until(), f.factor(),
                    derive(f.joiner(), model, batch, "[[sim.faults]] join of '" + f.worker() + "'")));
        }
        return r.withWorkers(workers).withFaults(faults);
    }

    /** The model the config describes, as the simulator times it. */
    static ModelShape shape(RunConfig r) {
        try {
            GptConfig g = ModelKeys.gpt(r, Tokenizers.byName(r.str("data.tokenizer")).vocabSize());
            return new ModelShape(g.parameterCount(), g.layers(), g.dModel(), g.context());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("the model keys do not describe a model: " + e.getMessage());
        }
    }

    private static boolean needsModel(WorkerEntry w) {
        return w.stepTime() != StepTimeSource.SECONDS_PER_STEP || !Double.isNaN(w.device().memoryBytes());
    }

    private static WorkerEntry derive(WorkerEntry w, ModelShape model, int batch, String where) {
        DeviceEntry d = w.device();
        try {
            model.requireFits(d.memoryBytes(), d.describeMemory());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
        if (w.stepTime() == StepTimeSource.SECONDS_PER_STEP) return w;
        return w.withSecondsPerStep(new DeviceSpeed(d.sustainedFlops(), d.memoryBytes()).secondsPerStep(model, batch));
    }
}
