package org.diloco4j.app.run;

/**
 * Which clock a run's event times are on: the {@code clock} field of {@code run_start} (its name in
 * lowercase, see {@link RunJson}), and the time its progress line shows.
 */
public enum RunClock {
    /** Virtual seconds of the simulator's machines and links ("sim 2 min 10 s" on the progress line). */
    SIMULATED("sim"),
    /** Real seconds since the (networked) run started, over all its sessions ("time 2 min 10 s"). */
    WALL("time");

    /** What the progress line calls this clock's time. */
    final String label;

    RunClock(String label) {
        this.label = label;
    }
}
