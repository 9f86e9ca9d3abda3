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

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throw new UnsupportedOperationException("positioned reads only");
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException("positioned reads only");
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("positioned writes only");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("positioned writes only");
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
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() throws IOException {
        ch.close();
    }
}
