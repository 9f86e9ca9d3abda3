package org.diloco4j.net.worker;

/** How one membership (one admission to the run) ended. */
record Ending(Kind kind, String reason) {
    enum Kind {
        /** The run is over. */
        STOP,
        /** The session is gone; join again. */
        REJOIN,
        /** This process was asked to leave. */
        LEAVE
    }

    static Ending stop(String reason) {
        return new Ending(Kind.STOP, reason);
    }

    static Ending rejoin(String reason) {
        return new Ending(Kind.REJOIN, reason);
    }

    static Ending leave() {
        return new Ending(Kind.LEAVE, "asked to leave");
    }
}
