package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads of any position and length, in order or not, across windows and at the file's unaligned end,
 * give the file's bytes; a read-ahead cancelled while its read is under way never has its buffer kept.
 */
class AlignedSourceTest {
    @TempDir
    Path dir;

    @Test
    void anyReadGivesTheFilesBytes() throws IOException {
        int block = Aligned.of(dir).block(), window = 2 * block;
        byte[] b = new byte[5 * window + 777];
        new Random(7).nextBytes(b);
        Path file = dir.resolve("f.bin");
        Files.write(file, b);
        DirectChannel ch = new DirectChannel(DirectOpener.SYSTEM.open(file, Set.of(StandardOpenOption.READ)), file, Set.of(StandardOpenOption.READ));
        try (AlignedSource src = new AlignedSource(ch, file.toString(), new Aligned(block), new AlignedBuffers(window, 2))) {
            assertThat(src.size()).isEqualTo(b.length);
            // In order (the read-ahead's case), backwards, across windows, the last bytes, and at random.
            long[][] reads = {{0, 8}, {8, 3 * window}, {3 * window + 8, b.length - 3 * window - 8}, {window - 1, 2}, {0, b.length}, {b.length - 1, 1}, {block + 3, window}};
            for (long[] r : reads) assertThat(read(src, r[0], (int) r[1])).isEqualTo(Arrays.copyOfRange(b, (int) r[0], (int) (r[0] + r[1])));
            Random random = new Random(11);
            for (int i = 0; i < 200; i++) {
                int at = random.nextInt(b.length), n = random.nextInt(b.length - at + 1);
                assertThat(read(src, at, n)).isEqualTo(Arrays.copyOfRange(b, at, at + n));
            }
            assertThat(src.direct()).isTrue();
            assertThatThrownBy(() -> read(src, b.length - 4, 5)).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void aCancelledReadAheadsBufferIsNeverKept() throws Exception {
        int block = Aligned.of(dir).block(), window = 2 * block;
        Path file = dir.resolve("f.bin");
        Files.write(file, new byte[6 * window]);
        // Reads ahead (windows 1 and 2) stay under way until released, interrupt or not, as a
        // read(2) in the kernel does; the buffers they fill are noted.
        CountDownLatch started = new CountDownLatch(2);
        Semaphore release = new Semaphore(0);
        Set<ByteBuffer> filling = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        ForwardingChannel slow = new ForwardingChannel(DirectOpener.SYSTEM.open(file, Set.of(StandardOpenOption.READ)), (write, position, bytes) -> { }) {
            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                if (position >= window && position < 3 * window) {
                    filling.add(dst);
                    started.countDown();
                    release.acquireUninterruptibly();
                    release.release();   // for the other one
                }
                return super.read(dst, position);
            }
        };
        AlignedBuffers buffers = new AlignedBuffers(window, 2);
        try (AlignedSource src = new AlignedSource(new DirectChannel(slow, file, Set.of(StandardOpenOption.READ)), file.toString(), new Aligned(block), buffers)) {
            read(src, 0, 8);
            started.await();
            // A jump elsewhere while interrupted: settling the reads ahead cancels them mid-read.
            Thread.currentThread().interrupt();
            try {
                read(src, 4 * window, 8);
            } catch (IOException expected) {
                // the interrupted read itself fails; what matters is where the buffers went
            } finally {
                Thread.interrupted();
            }
        } finally {
            assertThat(filling).hasSize(2);
            for (int i = 0; i <= buffers.depth(); i++) {
                ByteBuffer kept = buffers.take(new Aligned(block));
                assertThat(filling.contains(kept)).as("a buffer a cancelled read may still fill was kept").isFalse();   // identity: AssertJ's contains compares contents
            }
            release.release();
        }
    }

    private static byte[] read(AlignedSource src, long at, int n) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(n);
        src.read(at, dst);
        return dst.array();
    }
}
