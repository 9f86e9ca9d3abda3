package org.diloco4j.core.coord;

import java.util.Arrays;
import java.util.Locale;

/** The training protocols the coordinator runs. */
public enum Method {
    /** Data-parallel baseline: one model with the global batch, one fp32 all-reduce of gradients per step. */
    DDP("ddp"),
    /** Synchronous DiLoCo: rounds of H inner steps, a quorum and a deadline per round. */
    DILOCO("diloco"),
    /** Asynchronous DiLoCo: pseudo-gradients applied on arrival; naive Nesterov unless configured otherwise. */
    ASYNC("async"),
    /** Asynchronous DiLoCo with Delayed Nesterov and Dynamic Local Updates (the heterogeneous-devices recipe). */
    ASYNC_DN_DYLU("async-dn-dylu"),
    /** Streaming DiLoCo: fragments synchronised on a staggered schedule, with overlap and merge. */
    STREAMING("streaming");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean async() {
        return this == ASYNC || this == ASYNC_DN_DYLU;
    }

    public static Method parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (Method m : values()) {
            if (m.id.equals(k)) return m;
        }
        throw new IllegalArgumentException("unknown method '" + s + "'; allowed: "
                + String.join(", ", Arrays.stream(values()).map(Method::id).toList()));
    }

    @Override
    public String toString() {
        return id;
    }
}
