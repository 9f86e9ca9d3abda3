package org.diloco4j.net.wire;

/** Limits both sides of the protocol agree on. */
public final class Limits {
    /**
     * The protocol version of this build; a coordinator refuses workers that speak another (with
     * {@code REFUSAL_WRONG_PROTOCOL}). 2: push replies say whether the pseudo-gradient was applied,
     * and a push may withhold it. 3: every refusal carries a code, which workers act on instead of
     * the reason's text.
     */
    public static final int PROTOCOL = 3;
    /** Longest reason a worker may give for withholding a pseudo-gradient, in characters. */
    public static final int MAX_REASON = 1000;
    /** Longest worker name or codec spec, in characters. */
    public static final int MAX_NAME = 64;
    /** Timeline segments one heartbeat may carry. */
    public static final int MAX_SEGMENTS = 1024;
    /** Longest wait between a worker's attempts to (re)join, in seconds. */
    public static final int MAX_RECONNECT_WAIT_SECONDS = 10;

    private Limits() {
    }
}
