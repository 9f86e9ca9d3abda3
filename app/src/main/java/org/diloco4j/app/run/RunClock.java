package org.diloco4j.app.run;

import java.util.Locale;

/** Which clock a run's event times are on (the {@code clock} field of {@code run_start}). */
public enum RunClock {
    /** Virtual seconds of the simulator's machines and links. */
    SIMULATED,
    /** Real seconds since the (networked) run started. */
    WALL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
