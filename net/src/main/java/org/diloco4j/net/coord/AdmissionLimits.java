package org.diloco4j.net.coord;

/**
 * How many members a coordinator admits, and how fast one caller may join (one credential, or with
 * the shared token one address: {@link org.diloco4j.net.auth.Caller#limitKey}): a flood of joins (by
 * a token holder, or a worker looping on restart) is refused with {@code FULL} instead of being
 * admitted into rounds it will never contribute to. 0 in a field means its default for the run's
 * {@code workers} (see {@link #resolve}).
 *
 * @param maxMembers     live members at most (default max(64, 4 × workers))
 * @param joinBurst      joins one caller may make at once: the token bucket's size (default max(10, 2 × workers))
 * @param joinsPerMinute joins one caller may make per minute after its burst: the bucket's refill (default 10)
 */
public record AdmissionLimits(int maxMembers, int joinBurst, double joinsPerMinute) {
    public static final AdmissionLimits DEFAULT = new AdmissionLimits(0, 0, 0);
    static final double DEFAULT_JOINS_PER_MINUTE = 10;

    public AdmissionLimits {
        if (maxMembers < 0) throw new IllegalArgumentException("maximum workers = " + maxMembers + ": must be >= 1 (or 0 for the default)");
        if (joinBurst < 0) throw new IllegalArgumentException("join burst = " + joinBurst + ": must be >= 1 (or 0 for the default)");
        if (!(joinsPerMinute >= 0) || Double.isInfinite(joinsPerMinute)) {
            throw new IllegalArgumentException("join rate = " + joinsPerMinute + " per minute: must be > 0 (or 0 for the default)");
        }
    }

    /** These limits with every default filled in for a run of {@code workers} workers. */
    public AdmissionLimits resolve(int workers) {
        int w = Math.max(1, workers);
        return new AdmissionLimits(maxMembers > 0 ? maxMembers : Math.max(64, 4 * w), joinBurst > 0 ? joinBurst : Math.max(10, 2 * w),
                joinsPerMinute > 0 ? joinsPerMinute : DEFAULT_JOINS_PER_MINUTE);
    }
}
