package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer keeps at most {@code depth} writes under way, whatever the file's length. */
class AlignedSinkTest {
    @TempDir
    Path dir;

    /**
     * Runs a write only when someone waits for it, on the waiting thread: every write handed over and
     * not yet waited for is under way, and the most there ever were is counted.
     */
    static final class WhenWaitedFor extends AbstractExecutorService {
        int underWay, most;

        @Override
        protected <T> RunnableFuture<T> newTaskFor(Callable<T> task) {
            return new FutureTask<>(task) {
                @Override
                public T get() throws InterruptedException, ExecutionException {
                    run();
                    return super.get();
                }

                @Override
                protected void done() {
                    underWay--;
                }
            };
        }

        @Override
        public void execute(Runnable task) {
            most = Math.max(most, ++underWay);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    @Test
    void neverMoreThanDepthWritesAreUnderWay() throws IOException {
        int block = 4096, buffer = 2 * block, depth = 3;
        byte[] bytes = new byte[9 * buffer + 100];
        new Random(3).nextBytes(bytes);
        Path file = dir.resolve("f.bin");
        WhenWaitedFor threads = new WhenWaitedFor();
        // Buffered, not O_DIRECT: what is counted is the sink's handing over, whatever the filesystem.
        Set<java.nio.file.OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        DirectChannel ch = new DirectChannel(FileChannel.open(file, options), file, options);
        try (AlignedSink sink = new AlignedSink(ch, file.toString(), new Aligned(block), new AlignedBuffers(buffer, depth), threads)) {
            for (int at = 0; at < bytes.length; at += 1000) sink.write(ByteBuffer.wrap(bytes, at, Math.min(1000, bytes.length - at)));
            sink.force();
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        assertThat(threads.most).isEqualTo(depth);
        assertThat(threads.underWay).isZero();
    }
}
