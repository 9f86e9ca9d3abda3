package org.diloco4j.app.run;

import org.diloco4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * model.bin: the final global θ of a run as little-endian fp32, behind a header (magic, count) and
 * followed by a CRC32 — what {@code sample} and {@code eval} read, whichever runtime trained it.
 */
public final class ModelFile {
    private static final int MAGIC = 0x4434_4A4D; // "D4JM"

    private ModelFile() {
    }

    public static void write(Path file, float[] theta) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * theta.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(theta.length);
        b.asFloatBuffer().put(theta);
        b.position(8 + 4 * theta.length);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 8 + 4 * theta.length);
        b.putLong(crc.getValue());
        AtomicFiles.write(file, b.array());
    }

    /** Reads θ, checking it holds {@code expected} values and is intact. */
    public static float[] read(Path file, int expected) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 16) throw new IOException(file + " is truncated (" + bytes.length + " bytes)");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != MAGIC) throw new IOException(file + " is not a diloco4j model file");
        int n = b.getInt();
        if (n != expected) throw new IOException(file + " holds " + n + " parameters; the run's model has " + expected);
        if (bytes.length != 16 + 4L * n) throw new IOException(file + " is truncated: " + bytes.length + " bytes for " + n + " parameters");
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, 8 + 4 * n);
        if (b.getLong(8 + 4 * n) != crc.getValue()) throw new IOException(file + " is corrupted (checksum mismatch)");
        float[] theta = new float[n];
        b.position(8);
        b.asFloatBuffer().get(theta);
        return theta;
    }
}
