package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.ThetaDownlink;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.Range;

import java.io.IOException;
import java.util.List;

/**
 * θ encoded for a pull piece by piece, so no array as large as the whole encoded θ is made: the
 * bytes are exactly those of {@code codec.encode} of all the values as one array. Pieces of a
 * multiple of 4096 values (bf16's group) are encoded one at a time and joined into one message by
 * {@link ThetaDownlink#concatenate}. θ may be held in chunks ({@link Fp32Vector}): a piece inside
 * one chunk is encoded from the chunk itself, which is every piece when the chunks are a multiple
 * of the piece ({@link Fp32Vector#DEFAULT_SHIFT} is); a piece across a chunk boundary (chunks
 * smaller than a piece, in tests) is first copied into one scratch array of a piece, so a bf16
 * group never splits where the whole array's encoding would not.
 */
final class ThetaPieces {
    /** Values per piece: a multiple of bf16's 4096-value group; 1 MiB of fp32, 512 KiB of bf16. */
    static final int PIECE_VALUES = 1 << 18;

    private ThetaPieces() {
    }

    /** Encodes all of {@code values} into {@code sink}, {@code pieceValues} (a multiple of 4096) at a time; returns the bytes written. */
    static long encode(Codec codec, Fp32Vector values, int pieceValues, ThetaDownlink.Sink<IOException> sink) throws IOException {
        if (pieceValues <= 0 || pieceValues % 4096 != 0) throw new IllegalArgumentException("pieces of " + pieceValues + " values; must be a multiple of 4096");
        long floats = values.size();
        int pieces = Math.toIntExact((floats + pieceValues - 1) / pieceValues);
        float[][] scratch = {null};
        return ThetaDownlink.concatenate(codec, floats, pieces, i -> {
            long start = (long) i * pieceValues;
            int n = (int) Math.min(pieceValues, floats - start);
            List<Fp32Vector.Piece> in = values.pieces(new Range(start, n));
            if (in.size() <= 1) {
                return in.isEmpty() ? codec.encode(new float[0], 0, 0) : codec.encode(values.chunk(in.get(0).chunk()), in.get(0).offset(), n);
            }
            if (scratch[0] == null) scratch[0] = new float[pieceValues];
            values.get(start, scratch[0], 0, n);
            return codec.encode(scratch[0], 0, n);
        }, sink);
    }
}
