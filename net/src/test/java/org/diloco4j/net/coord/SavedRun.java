package org.diloco4j.net.coord;

import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.RunResult;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a coordinator checkpoint holds, for tests outside this package: the run's token total and
 * each worker's own token total by name (the processes of one name added up).
 */
public record SavedRun(long tokens, Map<String, Long> workerTokens) {
    public static SavedRun of(CheckpointStore.Checkpoint c, FragmentPlan plan) throws IOException {
        RuntimeState st = RuntimeState.read(c.state(), plan);
        Map<String, Long> byName = new TreeMap<>();
        for (RunResult.Worker w : st.workers.values()) byName.merge(w.name(), w.tokens(), Long::sum);
        return new SavedRun(st.coordinator.tokens(), Map.copyOf(byName));
    }
}
