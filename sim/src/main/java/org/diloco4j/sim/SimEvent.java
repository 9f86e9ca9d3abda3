package org.diloco4j.sim;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Event;

/**
 * What the simulator has scheduled, as data (not closures), so the event queue can be saved in a
 * checkpoint and a resumed run replays exactly. Events about a worker carry the worker's
 * incarnation at the time they were scheduled and are ignored if it has since crashed or left.
 */
sealed interface SimEvent {
    /** A worker starts (time 0, a scripted join, or the end of a long partition). */
    record Start(WorkerSpec worker, boolean keepState) implements SimEvent {
    }

    /** A message reaches the coordinator; {@code worker} null means it does not depend on a worker being alive. */
    record ToCoordinator(Event event, String worker, int incarnation) implements SimEvent {
    }

    /** θ (a Train command) has reached the worker. */
    record TrainArrives(String worker, int incarnation, Command.Train train) implements SimEvent {
    }

    /** A non-streaming assignment's inner steps are done: the worker sends its pseudo-gradient. */
    record ComputeDone(String worker, int incarnation, Command.Train train, int steps, long tokens, double seconds)
            implements SimEvent {
    }

    /** A streaming worker reaches its next step boundary. */
    record StreamStep(String worker, int incarnation) implements SimEvent {
    }

    /** A fragment's global values have reached a streaming worker. */
    record FragmentArrives(String worker, int incarnation, Command.ApplyFragment fragment, double transferSeconds)
            implements SimEvent {
    }

    /** A coordinator timer fires if it was not replaced since ({@code seq} matches). */
    record TimerFires(String key, long seq) implements SimEvent {
    }

    /** A scripted fault happens. */
    record FaultFires(Fault fault) implements SimEvent {
    }

    /** A worker partitioned longer than the session timeout is declared lost. */
    record PartitionTimeout(String worker, int incarnation, double until) implements SimEvent {
    }

    /** The simulated-time limit. */
    record TimeLimit(double seconds) implements SimEvent {
    }
}
