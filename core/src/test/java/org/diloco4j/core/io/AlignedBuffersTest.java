package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The kept buffers: depth + 1 at most, each once, of the set's size, never one a transfer may still use. */
class AlignedBuffersTest {
    private final Aligned align = new Aligned(4096);

    @Test
    void keepsAtMostDepthPlusOneBuffersOfItsSizeEachOnce() {
        AlignedBuffers buffers = new AlignedBuffers(8192, 2);
        ByteBuffer a = buffers.take(align), b = buffers.take(align), c = buffers.take(align), d = buffers.take(align);
        assertThat(buffers.made()).isEqualTo(4);
        for (ByteBuffer x : new ByteBuffer[] {a, a, b, c, d, align.allocate(4096)}) buffers.give(x);
        // a (once), b, c kept; d one too many, the small one not of the set's size: three taken without allocating.
        for (ByteBuffer kept : new ByteBuffer[] {a, b, c}) assertThat(buffers.take(align)).isSameAs(kept);
        assertThat(buffers.made()).isEqualTo(4);
        buffers.take(align);
        assertThat(buffers.made()).isEqualTo(5);
    }

    @Test
    void aBufferIsKeptOnlyOnceItsTransferIsOver() {
        AlignedBuffers buffers = new AlignedBuffers(8192, 2);
        ByteBuffer running = buffers.take(align), cancelled = buffers.take(align), failed = buffers.take(align);
        CompletableFuture<Integer> stopped = new CompletableFuture<>();
        stopped.cancel(true);
        buffers.giveAfter(running, new CompletableFuture<>());
        buffers.giveAfter(cancelled, stopped);
        buffers.giveAfter(failed, CompletableFuture.failedFuture(new java.io.IOException("Input/output error")));
        int made = buffers.made();
        assertThat(buffers.take(align)).isSameAs(failed);
        buffers.take(align);   // neither the running one nor the cancelled one: a new one
        assertThat(buffers.made()).isEqualTo(made + 1);
    }
}
