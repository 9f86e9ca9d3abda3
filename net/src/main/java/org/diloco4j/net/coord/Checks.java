package org.diloco4j.net.coord;

import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.PullRequest;
import org.diloco4j.net.proto.Segment;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.WorkerStats;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.RunDefinition;

/**
 * Validation of every incoming message, before it reaches the runtime. Each check returns the
 * reason a message is refused, or null. (The coordinator itself then validates pseudo-gradients'
 * contents: codec, exact size, decodability, NaN/Inf, norm bound, versions.)
 */
final class Checks {
    static final int MAX_NAME = Limits.MAX_NAME;
    static final int MAX_SEGMENTS = Limits.MAX_SEGMENTS;
    private static final int MAX_THREADS = Limits.MAX_THREADS;
    private static final int KEY_BYTES = Limits.SESSION_KEY_BYTES;

    private Checks() {
    }

    /** The rest of a join whose protocol version is this build's (a wrong version is answered, not failed). */
    static String join(JoinRequest r) {
        String bad = name(r.getName());
        if (bad != null) return bad;
        if (r.getShard() < -1) return "shard " + r.getShard() + " (use -1 to be given one)";
        if (r.getThreads() < 0 || r.getThreads() > MAX_THREADS) return "threads " + r.getThreads() + " is not in [0, " + MAX_THREADS + "]";
        String i = r.getInstance();
        if (i.isEmpty() || i.length() > MAX_NAME || !i.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
            return "instance id '" + abbreviate(i) + "' must be 1 to " + MAX_NAME + " letters, digits or '-'";
        }
        return null;
    }

    static String name(String n) {
        if (n.length() > MAX_NAME) return "name of " + n.length() + " characters; at most " + MAX_NAME;
        for (int k = 0; k < n.length(); k++) {
            char c = n.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '@')) {
                return "name '" + abbreviate(n) + "' holds '" + c + "'; use letters, digits, '-', '_', '.' or '@'";
            }
        }
        return null;
    }

    static String session(SessionRef s) {
        if (s.getMember() < 0) return "member " + s.getMember();
        if (s.getKey().size() != KEY_BYTES) return "session key of " + s.getKey().size() + " bytes; expected " + KEY_BYTES;
        return null;
    }

    static String pull(PullRequest r) {
        String bad = session(r.getSession());
        if (bad != null) return bad;
        if (r.getThetaId() < 0) return "θ id " + r.getThetaId();
        if (r.getOffset() < 0) return "offset " + r.getOffset();
        return null;
    }

    /**
     * The envelope of a pseudo-gradient upload: what must hold before its bytes are buffered. A
     * declared size above the fragment's encoded size is refused here (it could only be rejected
     * later, and would cost memory first); a smaller one reaches the coordinator, which names it.
     */
    static String header(DeltaHeader h, RunDefinition run) {
        if (h.getPushId() < 1) return "push id " + h.getPushId() + " (must be >= 1)";
        int p = h.getFragment();
        if (p < 0 || p >= run.plan().count()) return "fragment " + p + " does not exist (have " + run.plan().count() + ")";
        long max = run.deltaBytes(p);
        if (h.getSize() < 0 || h.getSize() > max) {
            return "declared size " + h.getSize() + " bytes; fragment " + p + " encoded with " + run.upCodecOf(p) + " takes " + max;
        }
        if (h.getCodec().isEmpty() || h.getCodec().length() > MAX_NAME) return "codec '" + abbreviate(h.getCodec()) + "'";
        if (h.getWithheld().length() > Limits.MAX_REASON) return "withheld reason of " + h.getWithheld().length() + " characters; at most " + Limits.MAX_REASON;
        if (!h.getWithheld().isEmpty() && h.getSize() != 0) return "a withheld pseudo-gradient declares " + h.getSize() + " bytes; it has none";
        if (h.hasInnerLr() && !(h.getInnerLr() >= 0 && h.getInnerLr() < Double.POSITIVE_INFINITY)) {
            return "inner learning rate " + h.getInnerLr() + " (must be a finite number >= 0)";
        }
        if (h.hasGradNorm() && !(h.getGradNorm() >= 0 && h.getGradNorm() < Double.POSITIVE_INFINITY)) {
            return "gradient norm " + h.getGradNorm() + " (must be a finite number >= 0)";
        }
        return null;
    }

    static String heartbeat(HeartbeatRequest r, double now) {
        String bad = session(r.getSession());
        if (bad != null) return bad;
        if (r.hasStats()) {
            WorkerStats w = r.getStats();
            for (double v : new double[] {w.getComputeSeconds(), w.getCommunicateSeconds(), w.getIdleSeconds()}) {
                if (!(v >= 0) || Double.isInfinite(v)) return "stats hold seconds " + v;
            }
            if (w.getSteps() < 0 || w.getTokens() < 0 || w.getBytesUp() < 0 || w.getBytesDown() < 0) return "stats hold a negative count";
        }
        if (r.getSegmentsCount() > MAX_SEGMENTS) return r.getSegmentsCount() + " segments in one heartbeat; at most " + MAX_SEGMENTS;
        for (Segment s : r.getSegmentsList()) {
            if (org.diloco4j.core.run.Segment.Kind.ofLabel(s.getKind()) == null) {
                return "segment kind '" + abbreviate(s.getKind()) + "'; expected one of " + org.diloco4j.core.run.Segment.Kind.labels();
            }
            if (!Double.isFinite(s.getStart()) || !Double.isFinite(s.getEnd()) || s.getStart() < 0 || s.getEnd() < s.getStart()
                    || s.getEnd() > now + 3600) {
                return "segment [" + s.getStart() + ", " + s.getEnd() + "] is not an interval of the run's clock (now " + now + ")";
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
