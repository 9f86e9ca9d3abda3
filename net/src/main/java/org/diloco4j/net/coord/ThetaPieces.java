package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.CodecKind;
import org.diloco4j.core.codec.ThetaDownlink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * θ encoded for a pull piece by piece, so no array as large as the whole encoded θ is made: the
 * bytes are exactly those of {@code codec.encode(values, 0, floats)}. The downlink's codecs (fp32,
 * bf16, fp16: {@link ThetaDownlink#ALLOWED}) write a header whose last 4 bytes count the values
 * (little-endian), then a fixed width per value in groups of at most 4096 values; a piece of a
 * multiple of 4096 values is therefore the whole's bytes from its first value's place, behind a
 * header of its own, which is dropped (the first piece's gets the whole's count).
 */
final class ThetaPieces {
    /** Values per piece: a multiple of bf16's 4096-value group; 1 MiB of fp32, 512 KiB of bf16. */
    static final int PIECE_VALUES = 1 << 18;

    /** Where the pieces go, in order. */
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private ThetaPieces() {
    }

    /** Encodes {@code floats} values of {@code values} into {@code sink}, {@code pieceValues} (a multiple of 4096) at a time; returns the bytes written. */
    static long encode(Codec codec, float[] values, int floats, int pieceValues, Sink sink) throws IOException {
        if (ThetaDownlink.ALLOWED.stream().map(CodecKind::configName).noneMatch(codec.name()::equals)) {
            throw new IllegalArgumentException("θ is encoded in pieces only with " + ThetaDownlink.allowed() + "; got " + codec.spec());
        }
        if (pieceValues <= 0 || pieceValues % 4096 != 0) throw new IllegalArgumentException("pieces of " + pieceValues + " values; must be a multiple of 4096");
        int header = Math.toIntExact(codec.encodedSize(0));
        long written = 0;
        // long: with int, the last piece's s + pieceValues passes 2^31 - 1 near the largest arrays and wraps negative.
        for (long s = 0; s == 0 || s < floats; s += pieceValues) {
            int n = (int) Math.min(pieceValues, floats - s);
            byte[] piece = codec.encode(values, (int) s, n);
            if (s == 0) ByteBuffer.wrap(piece).order(ByteOrder.LITTLE_ENDIAN).putInt(header - 4, floats);
            int from = s == 0 ? 0 : header;
            sink.write(piece, from, piece.length - from);
            written += piece.length - from;
        }
        return written;
    }
}
