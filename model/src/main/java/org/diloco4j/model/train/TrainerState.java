package org.diloco4j.model.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.diloco4j.model.gpt.GptConfig;

/**
 * Everything of a {@link GptTrainer} that is not θ, as checkpoints store it: the model shape it
 * belongs to, the step counter (which drives the LR schedule and Adam's bias correction), the
 * data position, AdamW's moments and the dropout generators' states (one per training thread).
 *
 * <p>Binary format (big-endian header, little-endian float arrays): magic "D4JGPTS2", the five
 * GptConfig ints, step, data position, N, m[N], v[N], generator count, then per generator its
 * length and bytes. Format 1 ("D4JGPTS1", a single generator) is refused with a clear message.
 */
public record TrainerState(GptConfig config, long step, long dataPosition, float[] m, float[] v, byte[][] rngs) {
    private static final long MAGIC = 0x44344A4750545332L; // "D4JGPTS2"
    /** Format 1: one dropout generator (before steps were split over threads). */
    private static final long MAGIC_V1 = 0x44344A4750545331L; // "D4JGPTS1"

    public TrainerState {
        int n = config.parameterCount();
        if (step < 0) throw new IllegalArgumentException("step " + step);
        if (m.length != n || v.length != n) {
            throw new IllegalArgumentException("AdamW moments have " + m.length + "/" + v.length + " floats, model has " + n);
        }
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * m.length + 8192);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeInt(config.vocabSize());
            out.writeInt(config.layers());
            out.writeInt(config.dModel());
            out.writeInt(config.heads());
            out.writeInt(config.context());
            out.writeLong(step);
            out.writeLong(dataPosition);
            out.writeInt(m.length);
            out.write(floatsToBytes(m));
            out.write(floatsToBytes(v));
            out.writeInt(rngs.length);
            for (byte[] r : rngs) {
                out.writeInt(r.length);
                out.write(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static TrainerState decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            long magic = in.readLong();
            if (magic == MAGIC_V1) {
                throw new IllegalArgumentException("GPT trainer state of format D4JGPTS1, written by an older diloco4j; this build"
                        + " reads D4JGPTS2 (one dropout generator per training thread). Resume with the build that wrote it,"
                        + " or start the run afresh");
            }
            if (magic != MAGIC) throw new IllegalArgumentException("not a GPT trainer state (bad magic)");
            GptConfig config = new GptConfig(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
            long step = in.readLong();
            long position = in.readLong();
            int n = in.readInt();
            if (n != config.parameterCount()) {
                throw new IllegalArgumentException("state holds " + n + " moments for a model of " + config.parameterCount());
            }
            float[] m = bytesToFloats(in.readNBytes(4 * n), n);
            float[] v = bytesToFloats(in.readNBytes(4 * n), n);
            int count = in.readInt();
            if (count < 0 || count > 4096) throw new IllegalArgumentException("bad generator count " + count + " in trainer state");
            byte[][] rngs = new byte[count][];
            for (int k = 0; k < count; k++) {
                int length = in.readInt();
                if (length < 0 || length > in.available()) throw new IllegalArgumentException("truncated trainer state (generator " + k + ")");
                rngs[k] = in.readNBytes(length);
            }
            if (in.available() != 0) throw new IllegalArgumentException(in.available() + " trailing bytes after trainer state");
            return new TrainerState(config, step, position, m, v, rngs);
        } catch (java.io.EOFException e) {
            throw new IllegalArgumentException("truncated trainer state", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] floatsToBytes(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        return b.array();
    }

    private static float[] bytesToFloats(byte[] b, int n) {
        if (b.length != 4 * n) throw new IllegalArgumentException("truncated trainer state (moments)");
        float[] a = new float[n];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        return a;
    }
}
