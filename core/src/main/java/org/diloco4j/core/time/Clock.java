package org.diloco4j.core.time;

/**
 * The clock seam: a monotonic time source in nanoseconds (only differences mean anything).
 * Runtimes take one instead of calling {@link System#nanoTime()}, so a test can drive time by hand
 * ({@code AtomicLong t; Clock c = t::get;}) rather than sleep.
 */
@FunctionalInterface
public interface Clock {
    /** The real monotonic clock of this JVM. */
    Clock SYSTEM = System::nanoTime;

    /** Nanoseconds since an arbitrary fixed origin; never decreases. */
    long nanos();

    /** Seconds elapsed since {@code startNanos}, a reading of this clock. */
    default double secondsSince(long startNanos) {
        return (nanos() - startNanos) / 1e9;
    }
}
