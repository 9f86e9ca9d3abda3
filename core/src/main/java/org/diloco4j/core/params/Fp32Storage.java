package org.diloco4j.core.params;

/**
 * The one place where a long parameter address becomes a Java array index. Layouts, fragments and
 * ranges are addressed with {@code long} (a 70B-parameter plan can be built and queried), but each
 * fp32 vector (θ, momentum, an accumulator, a pseudo-gradient) is still stored as one
 * {@code float[]}, which Java caps below 2^31 elements. Code that allocates or indexes such an
 * array converts here, so a model too large for that storage fails with one message saying so,
 * instead of an overflow or an {@link ArithmeticException} somewhere inside a loop.
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

    private static final String LIMIT = "the fp32 storage of one vector is a single Java float[], limited to "
            + MAX_VALUES + " values (2^31 - 9); use a model below that size";
}
