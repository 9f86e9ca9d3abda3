package org.diloco4j.sim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.zip.CRC32;

/**
 * The on-disk form of a simulation's state: a header (magic, format version, length, CRC32) and the
 * serialized {@link SimState}. Reading checks the checksum before anything is deserialized, and
 * only classes of this project and plain JDK data types may appear in it.
 */
final class SimCheckpoint {
    private static final int MAGIC = 0x44344A53; // "D4JS"
    private static final int VERSION = 1;
    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=64;maxrefs=10000000;org.diloco4j.**;java.lang.*;java.util.*;[*;!*");

    private SimCheckpoint() {
    }

    static void write(SimState state, OutputStream out) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(state);
        }
        byte[] payload = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(payload);
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeLong(payload.length);
        d.writeLong(crc.getValue());
        d.write(payload);
        d.flush();
    }

    static SimState read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        try {
            int magic = d.readInt();
            if (magic != MAGIC) throw new IOException("not a diloco4j simulation checkpoint (magic " + Integer.toHexString(magic) + ")");
            int version = d.readInt();
            if (version != VERSION) throw new IOException("checkpoint format version " + version + "; this build reads version " + VERSION);
            long length = d.readLong();
            long expected = d.readLong();
            if (length < 0 || length > Integer.MAX_VALUE - 8) throw new IOException("checkpoint payload length " + length + " is invalid");
            byte[] payload = d.readNBytes((int) length);
            if (payload.length != length) {
                throw new IOException("checkpoint is truncated: " + payload.length + " of " + length + " payload bytes");
            }
            CRC32 crc = new CRC32();
            crc.update(payload);
            if (crc.getValue() != expected) throw new IOException("checkpoint checksum mismatch: the file is corrupted");
            try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(payload))) {
                o.setObjectInputFilter(FILTER);
                return (SimState) o.readObject();
            }
        } catch (EOFException e) {
            throw new IOException("checkpoint is truncated (header incomplete)", e);
        } catch (InvalidClassException e) {
            throw new IOException("checkpoint was written by an incompatible build of diloco4j: " + e.getMessage(), e);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("checkpoint holds unexpected data: " + e.getMessage(), e);
        }
    }
}
