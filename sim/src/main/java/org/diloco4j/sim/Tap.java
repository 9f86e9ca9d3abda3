package org.diloco4j.sim;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Event;

/** Observes every event the simulator delivers to the coordinator and every command it gets back (tracing, tests). */
public interface Tap {
    default void event(Event e) {
    }

    default void command(Command c, double time) {
    }

    Tap NONE = new Tap() {
    };
}
