package org.diloco4j.core.coord;

import java.io.UncheckedIOException;
import java.util.function.Supplier;

import org.diloco4j.core.codec.BlockDecoder;
import org.diloco4j.core.codec.TableBlocks;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.CodecException;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.ingest.IngestPool;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.params.VectorOps;

/**
 * What a member's pseudo-gradient must pass before a policy sees it: its envelope (fragment, codec,
 * size, counters, base version), its decoding, and its values (finite, within the norm bound).
 * Each failure is a {@link Refusal} code, which drivers act on, with a detail for people.
 */
final class PushChecks {
    /** Why a pseudo-gradient is refused: the code drivers act on, and the detail for people. */
    record Problem(Refusal code, String detail) {
    }

    /**
     * The outcome of the checks.
     *
     * @param values  the decoded pseudo-gradient; null for a phantom payload or when refused
     * @param problem why it is refused; null when it passed
     * @param norm    its L2 norm; NaN for a phantom payload or when refused before decoding
     * @param streamed the pseudo-gradient left encoded, to be applied block by block (then values is null); null otherwise
     */
    record Checked(float[] values, Problem problem, double norm, StreamedDelta streamed) {
    }

    private final CoordinatorConfig cfg;
    private final OuterState outer;
    private final Codec[] upCodecs;
    /** Per fragment: its codec's block decoder (null: decoded whole), made once — a decoder's per-thread scratch lives as long as it does. */
    private final BlockDecoder[] upBlocks;
    private final NormBound bound;
    /** Whether accepted pseudo-gradients may stay encoded until applied: async methods applying each arrival alone. */
    private final boolean streams;

    PushChecks(CoordinatorConfig cfg, OuterState outer) {
        this.cfg = cfg;
        this.outer = outer;
        this.upCodecs = new Codec[outer.fragmentCount()];
        for (int p = 0; p < upCodecs.length; p++) upCodecs[p] = Codecs.parse(cfg.upCodecOf(p));
        this.upBlocks = new BlockDecoder[upCodecs.length];
        for (int p = 0; p < upCodecs.length; p++) upBlocks[p] = upCodecs[p].blocks();
        long[] sizes = new long[outer.fragmentCount()];
        for (int p = 0; p < sizes.length; p++) sizes[p] = outer.fragment(p).size();
        this.bound = new NormBound(cfg, sizes);
        this.streams = cfg.method().async() && cfg.bufferClose() != BufferClose.WINDOW;
    }

    /** The norm bound, whose window of accepted norms is part of the coordinator's state. */
    NormBound bound() {
        return bound;
    }

    /** A pseudo-gradient that passed the checks was accepted: its norm joins the fragment's window. */
    void accepted(int fragment, double norm) {
        if (!Double.isNaN(norm)) bound.accept(fragment, norm);
    }

    /** Checks the envelope of {@code d}, then decodes and checks its values. */
    Checked check(Event.Delta d) {
        return check(d, () -> null);
    }

    /**
     * Checks the envelope of {@code d}, then the figures it reports ({@code figures}: why they are
     * implausible, or null) — before the decode, so a lie costs no pass over the payload — then
     * decodes and checks its values.
     */
    Checked check(Event.Delta d, Supplier<String> figures) {
        Problem problem = envelope(d);
        if (problem == null) {
            String lie = figures.get();
            if (lie != null) problem = new Problem(Refusal.IMPLAUSIBLE, lie);
        }
        if (problem != null) return refused(problem);
        int p = d.fragment();
        try {
            return switch (d.payload()) {
                case Payload.Bytes b -> encoded(p, outer.fragment(p).arraySize(), EncodedSource.of(b.data()));
                case Payload.Encoded e -> encoded(p, outer.fragment(p).arraySize(), e.source());
                case Payload.Phantom ph -> outer.phantom() ? new Checked(null, null, Double.NaN, null)
                        : refused(malformed("phantom payload sent to a real run"));
            };
        } catch (CodecException ex) {
            return refused(new Problem(Refusal.CORRUPT, "undecodable pseudo-gradient: " + ex.getMessage()));
        } catch (UncheckedIOException ex) {
            // The coordinator's own copy cannot be read (its spool), not the member's bytes: nothing is decided, so the
            // member keeps its assignment and its retry is checked afresh (a CORRUPT here used the assignment up).
            throw new PayloadUnreadable(d.member(), ex);
        }
    }

    private static Checked refused(Problem problem) {
        return new Checked(null, problem, Double.NaN, null);
    }

    /**
     * An encoded payload read by position (in memory or spooled). Where the codec decodes block by
     * block, it is scanned on all cores (checks and the norm summed by blocks) before anything is
     * decoded; then, where the policy applies each arrival alone (async, without the grace window's
     * buffer), left encoded to be applied block by block, else decoded whole. A codec without blocks
     * is decoded whole and checked on the vector, its norm summed by the same blocks.
     */
    private Checked encoded(int p, int n, EncodedSource source) {
        BlockDecoder blocks = upBlocks[p];
        if (blocks == null) {
            byte[] all = new byte[(int) source.size()]; // the envelope checked the size is the codec's for n values
            source.read(0, all, 0, all.length);
            float[] g = new float[n];
            upCodecs[p].decode(all, g, 0, n);
            return values(p, g);
        }
        StreamedDelta s = new StreamedDelta(blocks, source, n);
        if (!streams && !(blocks instanceof TableBlocks)) {
            // Kept whole, without a table: decode once and check the vector. Its blocks are the norm's
            // (FixedWidthBlocks: NORM_BLOCK values), so the norm has the scan's bits without a second decode.
            float[] g = new float[n];
            s.decodeAll(g, IngestPool.shared());
            return values(p, g);
        }
        StreamedDelta.Scan scan = s.scan(IngestPool.shared());
        if (!scan.finite()) return refused(nonFinite(scan.badValue(), scan.badIndex()));
        Problem problem = bound.check(p, scan.norm(), outer.rounds[p]);
        if (problem != null) return new Checked(null, problem, scan.norm(), null);
        if (streams) return new Checked(null, null, scan.norm(), s);
        float[] g = new float[n];
        s.decodeAll(g, IngestPool.shared());
        return new Checked(g, null, scan.norm(), null);
    }

    /**
     * The checks on a decoded vector. One pass in the common case: squares summed in double cannot
     * overflow, so the norm is finite exactly when every value is; only then is the offending value looked for.
     */
    private Checked values(int p, float[] g) {
        double norm = VectorOps.blockedNorm2(g);
        Problem problem = Double.isFinite(norm) ? bound.check(p, norm, outer.rounds[p]) : finite(g);
        if (!Double.isFinite(norm)) norm = Double.NaN;
        return new Checked(problem == null ? g : null, problem, norm, null);
    }

    private static Problem malformed(String detail) {
        return new Problem(Refusal.MALFORMED, detail);
    }

    /** Checks the envelope of a pseudo-gradient; returns why it is refused, or null. */
    private Problem envelope(Event.Delta d) {
        int p = d.fragment();
        if (p < 0 || p >= outer.fragmentCount()) return malformed("fragment " + p + " does not exist (have " + outer.fragmentCount() + ")");
        String want = upCodecs[p].name();
        if (!d.payload().codec().equals(cfg.upCodecOf(p)) && !d.payload().codec().equals(want)) {
            return malformed("codec '" + d.payload().codec() + "' but fragment " + p + " uses '" + cfg.upCodecOf(p) + "'");
        }
        long expected = upCodecs[p].encodedSize(outer.fragment(p).size());
        if (d.payload().size() != expected) {
            return malformed("payload of " + d.payload().size() + " bytes; fragment " + p + " encoded with " + cfg.upCodecOf(p) + " takes " + expected);
        }
        if (d.steps() < 0 || d.tokens() < 0) return malformed("negative steps (" + d.steps() + ") or tokens (" + d.tokens() + ")");
        if (!(d.computeSeconds() >= 0) || Double.isInfinite(d.computeSeconds())) return malformed("compute seconds " + d.computeSeconds());
        long current = cfg.method() == Method.STREAMING ? outer.rounds[p] : outer.version;
        if (d.baseVersion() > current) return malformed("base version " + d.baseVersion() + " is ahead of the coordinator's " + current);
        if (d.baseVersion() < 0) return malformed("base version " + d.baseVersion());
        return null;
    }

    private static Problem finite(float[] g) {
        for (int i = 0; i < g.length; i++) {
            if (!Float.isFinite(g[i])) return nonFinite(g[i], i);
        }
        return null;
    }

    private static Problem nonFinite(float value, int index) {
        return new Problem(Refusal.NON_FINITE, "pseudo-gradient has a non-finite value (" + value + ") at index " + index);
    }
}
