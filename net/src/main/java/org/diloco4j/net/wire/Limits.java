package org.diloco4j.net.wire;

/**
 * Every limit of the protocol, and the bounds and defaults of its tunable sizes and times, in one
 * place: both sides of the protocol, the runtime's options and the command line refer to these.
 * Defaults that appear on the command line are {@code int}s so that picocli shows them as before.
 */
public final class Limits {
    /**
     * The protocol version of this build; a coordinator refuses workers that speak another (with
     * {@code REFUSAL_WRONG_PROTOCOL}). 2: push replies say whether the pseudo-gradient was applied,
     * and a push may withhold it. 3: every refusal carries a code, which workers act on instead of
     * the reason's text. 4: every train order and streaming fragment order names an assignment, which
     * the push answering it names (any other push is a replay). 5: an asynchronous train order may
     * name the newest θ, which the pull's first chunk says the version of; the push starts from that.
     */
    public static final int PROTOCOL = 5;

    // ---- message sizes -------------------------------------------------------------------------

    public static final int KIB = 1 << 10;
    /** Smallest chunk of θ or of a pseudo-gradient the coordinator may be configured to send and take. */
    public static final int MIN_CHUNK_BYTES = KIB;
    /** Largest chunk. */
    public static final int MAX_CHUNK_BYTES = 16 << 20;
    public static final int DEFAULT_CHUNK_KIB = 1024;
    /** The allowed chunk sizes, for messages. */
    public static final String CHUNK_RANGE = "in [1 KiB, 16 MiB]";
    /** What a message may hold beyond its chunk of data (headers, framing). */
    public static final int MESSAGE_HEADROOM_BYTES = 64 << 10;
    /** Largest message a worker accepts: a chunk of the largest size, and the headroom. */
    public static final int MAX_INBOUND_BYTES = MAX_CHUNK_BYTES + MESSAGE_HEADROOM_BYTES;

    /** Whether {@code bytes} is an allowed chunk size. */
    public static boolean chunkAllowed(long bytes) {
        return bytes >= MIN_CHUNK_BYTES && bytes <= MAX_CHUNK_BYTES;
    }

    /** Largest message the coordinator accepts when chunks are {@code chunkBytes} long. */
    public static int maxMessageBytes(int chunkBytes) {
        return chunkBytes + MESSAGE_HEADROOM_BYTES;
    }

    // ---- what one message may carry ----------------------------------------------------------

    /** Longest reason a worker may give for withholding a pseudo-gradient, in characters. */
    public static final int MAX_REASON = 1000;
    /** Longest worker name or codec spec, in characters. */
    public static final int MAX_NAME = 64;
    /** Timeline segments one heartbeat may carry. */
    public static final int MAX_SEGMENTS = 1024;
    /** Most intra-op threads a worker may declare. */
    public static final int MAX_THREADS = 4096;
    /** Length of a session key, in bytes. */
    public static final int SESSION_KEY_BYTES = 16;

    // ---- times ------------------------------------------------------------------------------------

    public static final int DEFAULT_HEARTBEAT_SECONDS = 2;
    public static final int DEFAULT_SESSION_TIMEOUT_SECONDS = 20;
    public static final int DEFAULT_CHECKPOINT_SECONDS = 60;
    /** How long a worker keeps trying to reach a coordinator that went away, by default. */
    public static final int DEFAULT_RECONNECT_TIMEOUT_SECONDS = 600;
    /** Longest wait between a worker's attempts to (re)join, in seconds. */
    public static final int MAX_RECONNECT_WAIT_SECONDS = 10;
    /**
     * How long a finished run keeps answering joins of workers lost during it: longer than the
     * longest wait between a worker's reconnect attempts.
     */
    public static final long STRAGGLER_SECONDS = MAX_RECONNECT_WAIT_SECONDS + 2;

    private Limits() {
    }
}
