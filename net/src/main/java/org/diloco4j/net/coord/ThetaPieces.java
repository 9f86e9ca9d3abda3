package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.ThetaDownlink;

import java.io.IOException;

/**
 * θ encoded for a pull piece by piece, so no array as large as the whole encoded θ is made: the
 * bytes are exactly those of {@code codec.encode(values, 0, floats)}. Pieces of a multiple of 4096
 * values (bf16's group) are encoded one at a time and joined into one message by
 * {@link ThetaDownlink#concatenate}, as a θ held in chunks is.
 */
final class ThetaPieces {
    /** Values per piece: a multiple of bf16's 4096-value group; 1 MiB of fp32, 512 KiB of bf16. */
    static final int PIECE_VALUES = 1 << 18;

    private ThetaPieces() {
    }

    /** Encodes {@code floats} values of {@code values} into {@code sink}, {@code pieceValues} (a multiple of 4096) at a time; returns the bytes written. */
    static long encode(Codec codec, float[] values, int floats, int pieceValues, ThetaDownlink.Sink<IOException> sink) throws IOException {
        if (pieceValues <= 0 || pieceValues % 4096 != 0) throw new IllegalArgumentException("pieces of " + pieceValues + " values; must be a multiple of 4096");
        // long: with int, the last piece's start + pieceValues passes 2^31 - 1 near the largest arrays and wraps negative.
        int pieces = (int) ((floats + (long) pieceValues - 1) / pieceValues);
        return ThetaDownlink.concatenate(codec, floats, pieces, i -> {
            long start = (long) i * pieceValues;
            return codec.encode(values, (int) start, (int) Math.min(pieceValues, floats - start));
        }, sink);
    }
}
