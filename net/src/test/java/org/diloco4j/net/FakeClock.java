package org.diloco4j.net;

import org.diloco4j.core.time.Clock;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so. */
public final class FakeClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanos() {
        return nanos.get();
    }

    public void advance(double seconds) {
        nanos.addAndGet(Math.round(seconds * 1e9));
    }
}
