package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.run.Segment;

/**
 * Where a coordinator runtime reports (the run directory, the progress line, a list in tests).
 * Called from the runtime's event loop only, so implementations need no locking.
 */
public interface RuntimeListener {
    /** A coordinator record, or an evaluation or training loss the runtime adds. */
    void metric(Metric m);

    /** A stretch of a worker's time, in the run's clock. */
    void segment(String worker, Segment.Kind kind, double start, double end);

    /** A line for the operator's log. */
    void log(String line);

    /**
     * Flushes what was reported and returns a position a resumed run can cut the record back to
     * (e.g. the length of metrics.jsonl); called when a checkpoint is taken.
     */
    default long mark() {
        return 0;
    }
}
