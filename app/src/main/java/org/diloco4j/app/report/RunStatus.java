package org.diloco4j.app.report;

/** How far a run got, as its report says at the top. */
public enum RunStatus {
    /** It wrote {@code summary.json}: the totals are final. */
    FINISHED,
    /** Its writer is still running and rewrites the report as it goes. */
    RUNNING,
    /** It stopped with a checkpoint (Ctrl-C) and can be resumed. */
    STOPPED,
    /**
     * No {@code summary.json} yet, and nothing says why: still running, stopped or killed. The
     * totals are what {@code metrics.jsonl} held when it was read.
     */
    INCOMPLETE;

    public boolean finished() {
        return this == FINISHED;
    }
}
