package org.diloco4j.core.params;

/**
 * Where a long length or address becomes the length of, or an index into, one Java array. Layouts,
 * fragments and ranges are addressed with {@code long}, and the coordinator's θ and outer state can
 * be held in chunks ({@link Fp32Vector}, whose own cut is {@link Fp32Vector#pieces}); but workers,
 * the model, the simulator, pulls of θ and a fragment's pseudo-gradient still hold a vector in one
 * {@code float[]}, which Java caps below 2^31 elements. Those paths convert here, so a model too large
 * for them fails with one message saying so, instead of an overflow somewhere inside a loop.
 */
public final class Fp32Storage {
    /** The largest {@code float[]} the JVM reliably allocates (HotSpot reserves a few header words). */
    public static final int MAX_VALUES = Integer.MAX_VALUE - 8;

    private Fp32Storage() {
    }

    /**
     * {@code values} as the length of one {@code float[]}.
     *
     * @param what what is being stored, e.g. "the model's θ", for the message
     * @throws IllegalArgumentException if it does not fit one array
     */
    public static int length(long values, String what) {
        if (values < 0) throw new IllegalArgumentException(what + " has a negative size " + values);
        if (values > MAX_VALUES) throw new IllegalArgumentException(what + " has " + values + " values, but " + LIMIT);
        return (int) values;
    }

    /** {@code end}, the end of a run inside a vector held in one {@code float[]}, as an array index. */
    public static int end(long end) {
        if (end < 0) throw new IllegalArgumentException("negative offset " + end + " into an fp32 vector");
        if (end > MAX_VALUES) throw new IllegalArgumentException("offset " + end + " is past the end of any fp32 vector: " + LIMIT);
        return (int) end;
    }

    private static final String LIMIT = "this path holds the vector in a single Java float[] (as workers, the model, the simulator"
            + " and pulls of θ do), limited to " + MAX_VALUES + " values (2^31 - 9); use a model below that size";
}
