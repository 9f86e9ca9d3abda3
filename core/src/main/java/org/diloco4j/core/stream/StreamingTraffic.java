package org.diloco4j.core.stream;

import java.util.function.LongUnaryOperator;
import org.diloco4j.core.params.FragmentPlan;

/**
 * Bytes one worker sends (or receives) under a streaming schedule, from the real encoded size of
 * each fragment's message ({@code encodedSize}, e.g. {@code codec::encodedSize}). The point of
 * streaming is the peak: a full DiLoCo sync moves the whole model in one step, a streaming one at
 * most the largest fragment.
 */
public final class StreamingTraffic {
    private StreamingTraffic() {
    }

    /** Bytes sent at each step of one period, index t − 1 for t = 1..H. */
    public static long[] bytesByStep(FragmentPlan plan, StreamingSchedule schedule, LongUnaryOperator encodedSize) {
        if (plan.count() != schedule.fragments()) {
            throw new IllegalArgumentException("plan has " + plan.count() + " fragments but the schedule has P = " + schedule.fragments());
        }
        long[] bytes = new long[schedule.innerSteps()];
        for (int t = 1; t <= schedule.innerSteps(); t++) {
            for (int p : schedule.fragmentsDueAt(t)) bytes[t - 1] += encodedSize.applyAsLong(plan.fragment(p).size());
        }
        return bytes;
    }

    /** Bytes per H steps: every fragment once. */
    public static long bytesPerPeriod(FragmentPlan plan, StreamingSchedule schedule, LongUnaryOperator encodedSize) {
        long s = 0;
        for (long b : bytesByStep(plan, schedule, encodedSize)) s += b;
        return s;
    }

    /** The most bytes sent at any single step. */
    public static long peakBytesPerStep(FragmentPlan plan, StreamingSchedule schedule, LongUnaryOperator encodedSize) {
        long m = 0;
        for (long b : bytesByStep(plan, schedule, encodedSize)) m = Math.max(m, b);
        return m;
    }

    /** How many times lower the peak is than a full sync of the whole vector in one message. */
    public static double peakReduction(FragmentPlan plan, StreamingSchedule schedule, LongUnaryOperator encodedSize) {
        return (double) encodedSize.applyAsLong(plan.totalSize()) / peakBytesPerStep(plan, schedule, encodedSize);
    }
}
