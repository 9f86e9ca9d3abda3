package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file channel with a hook before every positioned transfer: the fake behind
 * {@link DirectOpener} that counts what went with O_DIRECT, or refuses or fails a transfer.
 */
class ForwardingChannel extends FileChannel {
    /** Called before each positioned read or write of {@code bytes} at {@code position}; may throw. */
    interface Hook {
        void before(boolean write, long position, int bytes) throws IOException;
    }

    private final FileChannel ch;
    private final Hook hook;
    long written, read;

    ForwardingChannel(FileChannel ch, Hook hook) {
        this.ch = ch;
        this.hook = hook;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        hook.before(false, position, dst.remaining());
        int n = ch.read(dst, position);
        if (n > 0) read += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        hook.before(true, position, src.remaining());
        int n = ch.write(src, position);
        written += n;
        return n;
    }

    /** Stream-style transfers: neither the sink nor the source uses them; refused, so a test would notice. */
    @Override
    public int read(ByteBuffer dst) {
        throw positionedOnly();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw positionedOnly();
    }

    @Override
    public int write(ByteBuffer src) {
        throw positionedOnly();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw positionedOnly();
    }

    private static UnsupportedOperationException positionedOnly() {
        return new UnsupportedOperationException("positioned transfers only");
    }

    @Override
    public long position() throws IOException {
        return ch.position();
    }

    @Override
    public FileChannel position(long p) throws IOException {
        ch.position(p);
        return this;
    }

    @Override
    public long size() throws IOException {
        return ch.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        ch.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ch.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return ch.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return ch.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return ch.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return ch.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return ch.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        ch.close();
    }
}
