package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints written and read with O_DIRECT ({@link CheckpointIo}): the same bytes as the buffered
 * writer whatever the file's length, damage still refused, a refusal of O_DIRECT never fails a
 * checkpoint, a failure half-way leaves the old checkpoint. Buffers of two blocks, so that a file of
 * a few blocks spans many of them.
 */
class DirectCheckpointTest {
    record State(float[] theta, byte[] blob, float[] momentum, long step) {
    }

    @TempDir
    Path dir;

    /** All direct channels opened, so a test can say how many bytes went with O_DIRECT. */
    private final List<ForwardingChannel> opened = new ArrayList<>();

    private CheckpointIo io(Path where, ForwardingChannel.Hook hook) throws IOException {
        int buffer = 2 * Aligned.of(where).block();
        return new CheckpointIo(IoMode.DIRECT, (file, options) -> {
            ForwardingChannel ch = new ForwardingChannel(DirectOpener.SYSTEM.open(file, options), hook);
            opened.add(ch);
            return ch;
        }, buffer, 2);
    }

    private CheckpointIo io() throws IOException {
        return io(dir, (write, position, bytes) -> { });
    }

    private static State state(int thetaLength, int blobLength) {
        float[] theta = new float[thetaLength], momentum = new float[5];
        for (int i = 0; i < theta.length; i++) theta[i] = (float) Math.sin(i) * i;
        byte[] blob = new byte[blobLength];
        for (int i = 0; i < blob.length; i++) blob[i] = (byte) (31 * i + 7);
        momentum[2] = -1.25f;
        return new State(theta, blob, momentum, 42);
    }

    private static byte[] buffered(State s) throws IOException {
        return buffered(s, CheckpointFile.Kind.COORDINATOR);
    }

    private static byte[] buffered(State s, CheckpointFile.Kind kind) throws IOException {
        return CheckpointFile.toBytes(kind, s, Map.of("mark", "9"));
    }

    /** A state whose checkpoint is exactly {@code length} bytes: the blob's length found by a few tries. */
    private static State ofLength(int thetaLength, long length) throws IOException {
        int blob = 0;
        for (int i = 0; i < 8; i++) {
            long got = buffered(state(thetaLength, blob)).length;
            if (got == length) return state(thetaLength, blob);
            blob += (int) (length - got);
            if (blob < 0) throw new IllegalArgumentException(length + " bytes is too short for this state");
        }
        throw new IllegalStateException("no blob makes a file of " + length + " bytes");
    }

    private void write(Path file, State s, CheckpointIo io) throws IOException {
        write(file, s, io, CheckpointFile.Kind.COORDINATOR);
    }

    private void write(Path file, State s, CheckpointIo io, CheckpointFile.Kind kind) throws IOException {
        CheckpointFile.write(file, kind, s, Map.of("mark", "9"), io);
    }

    private State read(Path file, CheckpointIo io, CheckpointFile.Kind kind) throws IOException {
        try (CheckpointFile.Reader r = CheckpointFile.open(file, "c.ckpt", kind, io)) {
            return r.state(State.class);
        }
    }

    private static void assertSame(State a, State b) {
        assertThat(a.theta()).isEqualTo(b.theta());
        assertThat(a.blob()).isEqualTo(b.blob());
        assertThat(a.momentum()).isEqualTo(b.momentum());
        assertThat(a.step()).isEqualTo(b.step());
    }

    /** Blocks from the file's length: -1 and +1 a byte short of and over a block, 0 exactly; 1001 a file of more than 2 buffers plus a part. */
    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 1, 1001})
    void aDirectWrittenFileIsTheBufferedWritersBytesWhateverItsLength(int offset) throws IOException {
        int block = Aligned.of(dir).block();
        long length = offset == 1001 ? 5L * 2 * block + 1001 : 3L * block + offset;
        State s = ofLength(offset == 1001 ? 2000 : 300, length);
        assertThat(buffered(s)).hasSize((int) length);
        assertWrittenAndReadAlike(s);
        // Every byte went with O_DIRECT, the last block padded (then cut off), and was read with it.
        assertThat(opened.getFirst().written).isGreaterThanOrEqualTo(new Aligned(block).up(length));
        assertThat(opened.get(1).read).isGreaterThanOrEqualTo(length);
    }

    @Test
    void emptyTensorsAreWrittenAlike() throws IOException {
        assertWrittenAndReadAlike(state(0, 0));
    }

    /** Written with O_DIRECT, {@code s} is the buffered writer's bytes and is read back, for both kinds, no temporary left. */
    private void assertWrittenAndReadAlike(State s) throws IOException {
        Path file = dir.resolve("c.ckpt");
        write(file, s, io());
        assertThat(Files.readAllBytes(file)).isEqualTo(buffered(s));
        // Read back in one pass (ReadAhead: the coordinator's arrays read while summing).
        assertSame(read(file, io(), CheckpointFile.Kind.COORDINATOR), s);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        // A simulation checkpoint, its arrays read after the checksum pass (a second pass, windows read again).
        Path sim = dir.resolve("s.ckpt");
        write(sim, s, io(), CheckpointFile.Kind.SIMULATION);
        assertThat(Files.readAllBytes(sim)).isEqualTo(buffered(s, CheckpointFile.Kind.SIMULATION));
        assertSame(read(sim, io(), CheckpointFile.Kind.SIMULATION), s);
        Files.delete(sim);
    }

    @Test
    void aDamagedFileReadDirectlyIsRefused() throws IOException {
        State s = state(4000, 100);
        Path file = dir.resolve("c.ckpt");
        write(file, s, io());
        byte[] good = Files.readAllBytes(file);
        SafetensorsReader.Contents raw = SafetensorsReader.raw(good, "c.ckpt");
        assertThat(raw.tensors()).containsKey("theta");
        int header = (int) (good.length - 4L * (4000 + 5) - 100);
        // A byte of θ far into the file (windows away from the header), and a byte of the header's state JSON.
        for (int at : new int[] {header + 4 * 3000 + 1, new String(good, 0, header, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("step") + 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Files.write(file, bad);
            assertThatThrownBy(() -> read(file, io(), CheckpointFile.Kind.COORDINATOR)).isInstanceOf(CheckpointException.class)
                    .hasMessage("c.ckpt: checksum mismatch, the file is corrupted");
        }
        Files.write(file, good);
        assertSame(read(file, io(), CheckpointFile.Kind.COORDINATOR), s);
    }

    /** tmpfs: older kernels refuse O_DIRECT there (EINVAL at open), newer ones accept it; either way the checkpoint is written. */
    @Test
    void aCheckpointInDevShmIsWrittenAndRead() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm here");
        Path d = Files.createTempDirectory(shm, "direct-checkpoint-test");
        try {
            State s = state(3000, 17);
            Path file = d.resolve("c.ckpt");
            write(file, s, io(d, (write, position, bytes) -> { }));
            assertThat(Files.readAllBytes(file)).isEqualTo(buffered(s));
            assertSame(read(file, io(d, (write, position, bytes) -> { }), CheckpointFile.Kind.COORDINATOR), s);
            try (Stream<Path> files = Files.list(d)) {
                assertThat(files).containsExactly(file);
            }
        } finally {
            try (Stream<Path> files = Files.list(d)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(d);
        }
    }

    /** A checkpoint written by {@code io} is the buffered writer's bytes, reads back, and leaves no temporary. */
    private void assertWrittenAndReadBack(CheckpointIo io) throws IOException {
        State s = state(3000, 17);
        Path file = dir.resolve("c.ckpt");
        write(file, s, io);
        assertThat(Files.readAllBytes(file)).isEqualTo(buffered(s));
        assertSame(read(file, io, CheckpointFile.Kind.COORDINATOR), s);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aRefusalAtOpenFallsBackToTheBufferedPath() throws IOException {
        // As tmpfs refused it: the file made, then EINVAL.
        DirectOpener refusing = (file, options) -> {
            if (options.contains(java.nio.file.StandardOpenOption.CREATE_NEW)) Files.createFile(file);
            throw new FileSystemException(file.toString(), null, "Invalid argument");
        };
        CheckpointIo io = new CheckpointIo(IoMode.DIRECT, refusing, 8192, 2);
        assertWrittenAndReadBack(io);
    }

    /**
     * A filesystem that names no block size, or one that is not a power of two (some FUSE and CIFS
     * mounts), or a file whose size cannot be had: written and read buffered, every O_DIRECT channel closed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"unsupported", "3000", "0", "size"})
    void noUsableBlockSizeFallsBackToTheBufferedPathAndClosesTheDirectChannel(String fault) throws IOException {
        BlockSize blocks = switch (fault) {
            case "unsupported" -> file -> {
                throw new UnsupportedOperationException("block size");
            };
            case "size" -> BlockSize.FILESYSTEM;
            default -> file -> Long.parseLong(fault);
        };
        CheckpointIo io = new CheckpointIo(IoMode.DIRECT, (file, options) -> {
            ForwardingChannel ch = new ForwardingChannel(DirectOpener.SYSTEM.open(file, options), (write, position, bytes) -> { }) {
                @Override
                public long size() throws IOException {
                    if (fault.equals("size")) throw new IOException("size refused");
                    return super.size();
                }
            };
            opened.add(ch);
            return ch;
        }, blocks, new AlignedBuffers(8192, 2));
        assertWrittenAndReadBack(io);
        assertThat(opened).hasSize(2).noneMatch(ForwardingChannel::isOpen);
        if (!fault.equals("size")) assertThat(opened).allMatch(ch -> ch.written + ch.read == 0);
    }

    /**
     * The checkpoints of a process go through one set of depth + 1 buffers, written or read, a write
     * failing half-way included: none is allocated after the first file's.
     */
    @Test
    void checkpointsReuseOneSetOfBuffers() throws IOException {
        int block = Aligned.of(dir).block();
        AlignedBuffers buffers = new AlignedBuffers(2 * block, 2);
        CheckpointIo io = new CheckpointIo(IoMode.DIRECT, DirectOpener.SYSTEM, BlockSize.FILESYSTEM, buffers);
        CheckpointIo failing = new CheckpointIo(IoMode.DIRECT, (file, options) -> new ForwardingChannel(DirectOpener.SYSTEM.open(file, options), (write, position, bytes) -> {
            if (write && position >= 6L * block) throw new IOException("Input/output error");
        }), BlockSize.FILESYSTEM, buffers);
        State s = state(8000, 5);
        Path file = dir.resolve("c.ckpt");
        for (int i = 0; i < 3; i++) {
            write(file, s, io);
            assertSame(read(file, io, CheckpointFile.Kind.COORDINATOR), s);
            assertThatThrownBy(() -> write(file, state(8001, 5), failing)).hasMessage("Input/output error");
            assertThat(buffers.made()).as("buffers allocated after %d checkpoints", i + 1).isEqualTo(3);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(buffered(s));
    }

    @Test
    void aRefusedFirstTransferFallsBackToTheBufferedPath() throws IOException {
        ForwardingChannel.Hook refuse = (write, position, bytes) -> {
            throw new IOException("Invalid argument");
        };
        State s = state(3000, 17);
        Path file = dir.resolve("c.ckpt");
        write(file, s, io(dir, refuse));
        assertThat(opened.getFirst().written).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(buffered(s));
        assertSame(read(file, io(dir, refuse), CheckpointFile.Kind.COORDINATOR), s);
        assertThat(opened.get(1).read).isZero();
    }

    @Test
    void aWriteFailingHalfWayLeavesTheOldCheckpointAndNoTemporary() throws IOException {
        Path file = dir.resolve("c.ckpt");
        State old = state(10, 3);
        write(file, old, io());
        byte[] before = Files.readAllBytes(file);
        int block = Aligned.of(dir).block();
        // The disk fails once three buffers are on it (after the first transfers succeeded: not a refusal).
        CheckpointIo failing = io(dir, (write, position, bytes) -> {
            if (write && position >= 6L * block) throw new IOException("Input/output error");
        });
        assertThatThrownBy(() -> write(file, state(8000, 5), failing)).isInstanceOf(IOException.class).hasMessage("Input/output error");
        assertThat(opened.getLast().written).isLessThan(buffered(state(8000, 5)).length);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertSame(read(file, io(), CheckpointFile.Kind.COORDINATOR), old);
    }
}
