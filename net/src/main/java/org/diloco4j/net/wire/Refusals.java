package org.diloco4j.net.wire;

import org.diloco4j.core.coord.Refusal;

/** The core refusal codes on the wire and back: one exhaustive mapping, checked by the compiler both ways. */
public final class Refusals {
    private Refusals() {
    }

    public static org.diloco4j.net.proto.Refusal toProto(Refusal r) {
        return switch (r) {
            case RUN_OVER -> org.diloco4j.net.proto.Refusal.REFUSAL_RUN_OVER;
            case NOT_A_MEMBER -> org.diloco4j.net.proto.Refusal.REFUSAL_NOT_A_MEMBER;
            case BAD_SHARD -> org.diloco4j.net.proto.Refusal.REFUSAL_BAD_SHARD;
            case MALFORMED -> org.diloco4j.net.proto.Refusal.REFUSAL_MALFORMED;
            case CORRUPT -> org.diloco4j.net.proto.Refusal.REFUSAL_CORRUPT;
            case NON_FINITE -> org.diloco4j.net.proto.Refusal.REFUSAL_NON_FINITE;
            case NORM_BOUND -> org.diloco4j.net.proto.Refusal.REFUSAL_NORM_BOUND;
            case WRONG_PROTOCOL -> org.diloco4j.net.proto.Refusal.REFUSAL_WRONG_PROTOCOL;
            case BUSY -> org.diloco4j.net.proto.Refusal.REFUSAL_BUSY;
            case REPLAY -> org.diloco4j.net.proto.Refusal.REFUSAL_REPLAY;
            case IMPLAUSIBLE -> org.diloco4j.net.proto.Refusal.REFUSAL_IMPLAUSIBLE;
            case FULL -> org.diloco4j.net.proto.Refusal.REFUSAL_FULL;
        };
    }

    /** The code a worker received, or null if the reply refused nothing (or a value this build does not know). */
    public static Refusal fromProto(org.diloco4j.net.proto.Refusal r) {
        return switch (r) {
            case REFUSAL_RUN_OVER -> Refusal.RUN_OVER;
            case REFUSAL_NOT_A_MEMBER -> Refusal.NOT_A_MEMBER;
            case REFUSAL_BAD_SHARD -> Refusal.BAD_SHARD;
            case REFUSAL_MALFORMED -> Refusal.MALFORMED;
            case REFUSAL_CORRUPT -> Refusal.CORRUPT;
            case REFUSAL_NON_FINITE -> Refusal.NON_FINITE;
            case REFUSAL_NORM_BOUND -> Refusal.NORM_BOUND;
            case REFUSAL_WRONG_PROTOCOL -> Refusal.WRONG_PROTOCOL;
            case REFUSAL_BUSY -> Refusal.BUSY;
            case REFUSAL_REPLAY -> Refusal.REPLAY;
            case REFUSAL_IMPLAUSIBLE -> Refusal.IMPLAUSIBLE;
            case REFUSAL_FULL -> Refusal.FULL;
            case REFUSAL_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }
}
