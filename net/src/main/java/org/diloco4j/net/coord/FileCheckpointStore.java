package org.diloco4j.net.coord;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Checkpoints as one file, {@code coordinator.ckpt}: a header (magic, format version, mark, outer
 * steps, clock, length, CRC32C) and the state. Written to a temporary sibling, forced to disk, then
 * renamed over the old file; reading checks the checksum before the state is used.
 */
public final class FileCheckpointStore implements CheckpointStore {
    static final String FILE = "coordinator.ckpt";
    private static final int MAGIC = 0x44344A43; // "D4JC"
    private static final int VERSION = 1;

    private final Path dir;

    public FileCheckpointStore(Path dir) {
        this.dir = dir;
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    @Override
    public void save(Checkpoint c) throws IOException {
        Files.createDirectories(dir);
        CRC32C crc = new CRC32C();
        crc.update(c.state());
        ByteArrayOutputStream head = new ByteArrayOutputStream(64);
        DataOutputStream d = new DataOutputStream(head);
        d.writeInt(MAGIC);
        d.writeInt(VERSION);
        d.writeLong(c.mark());
        d.writeLong(c.outerSteps());
        d.writeDouble(c.clock());
        d.writeLong(c.state().length);
        d.writeInt((int) crc.getValue());
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(head.toByteArray()));
            java.nio.ByteBuffer body = java.nio.ByteBuffer.wrap(c.state());
            while (body.hasRemaining()) ch.write(body);
            ch.force(true);
        }
        try {
            Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public Optional<Checkpoint> load() throws IOException {
        Path f = file();
        if (!Files.isRegularFile(f)) return Optional.empty();
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 20)) {
            DataInputStream d = new DataInputStream(in);
            int magic = d.readInt();
            if (magic != MAGIC) throw new IOException(f + " is not a diloco4j coordinator checkpoint (magic " + Integer.toHexString(magic) + ")");
            int version = d.readInt();
            if (version != VERSION) throw new IOException(f + " has checkpoint format " + version + "; this build reads " + VERSION);
            long mark = d.readLong();
            long steps = d.readLong();
            double clock = d.readDouble();
            long length = d.readLong();
            int expected = d.readInt();
            if (length < 0 || length > Integer.MAX_VALUE - 16) throw new IOException(f + ": state length " + length + " is invalid");
            byte[] state = d.readNBytes((int) length);
            if (state.length != length) throw new IOException(f + " is truncated: " + state.length + " of " + length + " state bytes");
            CRC32C crc = new CRC32C();
            crc.update(state);
            if ((int) crc.getValue() != expected) throw new IOException(f + ": checksum mismatch, the file is corrupted");
            return Optional.of(new Checkpoint(state, mark, steps, clock));
        } catch (EOFException e) {
            throw new IOException(f + " is truncated (header incomplete)", e);
        }
    }
}
