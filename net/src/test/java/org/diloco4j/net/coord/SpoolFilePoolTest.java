package org.diloco4j.net.coord;

import org.diloco4j.net.SpoolFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The spool's idle files: handed out once at a time, rewritten from 0, and bounded in count, size and time. */
class SpoolFilePoolTest {
    @TempDir
    Path dir;
    final AtomicLong now = new AtomicLong();

    private SpoolFilePool pool(long keepBytes) {
        return new SpoolFilePool(() -> UnlinkedFiles.create(dir, Spool.PREFIX, Spool.SUFFIX), keepBytes, now::get);
    }

    private static void write(FileChannel c, int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) c.write(b);
    }

    /** One upload of {@code bytes}: a file taken, written and given back; returns it. */
    private static FileChannel upload(SpoolFilePool p, int bytes) throws IOException {
        FileChannel f = p.take();
        write(f, bytes);
        p.giveBack(f);
        return f;
    }

    @Test
    void aFileGivenBackIsHandedOutAgainFromZero() throws IOException {
        SpoolFilePool p = pool(1 << 20);
        FileChannel first = upload(p, 3000);
        assertThat(p.idleFiles()).isEqualTo(1);
        FileChannel second = p.take();
        assertThat(second).as("the same file").isSameAs(first);
        assertThat(second.position()).as("written from the start again").isZero();
        assertThat(p.idleFiles()).isZero();
        p.giveBack(second);
        p.close();
        assertThat(SpoolFiles.open(dir) + SpoolFiles.named(dir)).isZero();
    }

    @Test
    void filesHeldAtOnceAreNeverTheSame() throws IOException {
        SpoolFilePool p = pool(1 << 20);
        FileChannel a = p.take();
        FileChannel b = p.take();
        assertThat(b).isNotSameAs(a);
        p.giveBack(a);
        FileChannel c = p.take();
        FileChannel d = p.take();
        assertThat(c).as("the idle one").isSameAs(a);
        assertThat(d).as("a new one: the idle one is taken").isNotSameAs(a).isNotSameAs(b);
        for (FileChannel f : new FileChannel[] {b, c, d}) p.giveBack(f);
        assertThat(SpoolFiles.open(dir)).as("three files, all idle").isEqualTo(3);
        p.close();
        assertThat(SpoolFiles.open(dir)).isZero();
    }

    /** Idle files hold at most keepBytes together: the file that does not fit is closed; 0 keeps none. */
    @Test
    void idleFilesStayWithinTheByteBound() throws IOException {
        SpoolFilePool p = pool(1500);
        FileChannel a = p.take();
        FileChannel b = p.take();
        write(a, 1000);
        write(b, 1000);
        p.giveBack(a);
        p.giveBack(b);
        assertThat(p.idleFiles()).isEqualTo(1);
        assertThat(p.idleBytes()).isEqualTo(1000);
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).as("past the bound: closed").isFalse();
        assertThat(SpoolFiles.open(dir)).isEqualTo(1);

        SpoolFilePool none = pool(0);
        FileChannel c = none.take();
        write(c, 10);
        none.giveBack(c);
        assertThat(c.isOpen()).isFalse();
        p.close();
    }

    /** A file that held a large upload is cut to the largest of the recent ones, and its stale tail goes with it. */
    @Test
    void aKeptFileIsTruncatedToTheLargestRecentUpload() throws IOException {
        SpoolFilePool p = pool(1 << 20);
        FileChannel f = upload(p, 9000);
        for (int i = 0; i < SpoolFilePool.RECENT - 1; i++) {
            assertThat(p.take()).isSameAs(f);
            write(f, 1000);
            p.giveBack(f);
            assertThat(f.size()).as("the 9000-byte upload is still recent").isEqualTo(9000);
        }
        assertThat(p.take()).isSameAs(f);
        write(f, 1000);
        p.giveBack(f);
        assertThat(f.size()).as("only 1000-byte uploads in the last " + SpoolFilePool.RECENT).isEqualTo(1000);
        assertThat(p.idleBytes()).isEqualTo(1000);
        p.close();
    }

    /** Files nobody took for a minute are closed when the next file comes back too: more than the uploads in flight do not stay. */
    @Test
    void filesIdleForAMinuteAreClosed() throws IOException {
        SpoolFilePool p = pool(1 << 20);
        FileChannel a = p.take();
        FileChannel b = p.take();
        FileChannel c = p.take();
        p.giveBack(a);
        p.giveBack(b);
        now.addAndGet(SpoolFilePool.IDLE_SECONDS * 1_000_000_000L - 1);
        p.giveBack(c);
        assertThat(p.idleFiles()).as("not yet a minute").isEqualTo(3);
        // One upload at a time from now on: it takes the most recently returned file, c.
        assertThat(p.take()).isSameAs(c);
        now.addAndGet(1);
        p.giveBack(c);
        assertThat(a.isOpen()).isFalse();
        assertThat(b.isOpen()).isFalse();
        assertThat(c.isOpen()).isTrue();
        assertThat(p.idleFiles()).isEqualTo(1);
        assertThat(SpoolFiles.open(dir)).isEqualTo(1);
        p.close();
    }

    /** After the last upload gives its files back, the next take closes those idle for a minute: they do not wait for the next give-back. */
    @Test
    void aTakeClosesFilesIdleForAMinute() throws IOException {
        SpoolFilePool p = pool(1 << 20);
        FileChannel a = p.take();
        FileChannel b = p.take();
        p.giveBack(a);
        now.addAndGet(1);
        p.giveBack(b);
        now.addAndGet(SpoolFilePool.IDLE_SECONDS * 1_000_000_000L - 1);
        FileChannel c = p.take();
        assertThat(a.isOpen()).as("idle a minute: closed by the take").isFalse();
        assertThat(c).as("the one not yet a minute idle").isSameAs(b);
        assertThat(p.idleFiles()).isZero();
        assertThat(p.idleBytes()).isZero();
        assertThat(SpoolFiles.open(dir)).isEqualTo(1);
        p.giveBack(c);
        p.close();
    }

    /** A channel closed under its upload (an interrupted write closes it) is not kept, and the next upload gets a working file. */
    @Test
    void aClosedFileIsNotKept() throws IOException {
        SpoolFilePool p = pool(1 << 20);
        FileChannel a = p.take();
        a.close();
        p.giveBack(a);
        assertThat(p.idleFiles()).isZero();
        FileChannel b = p.take();
        assertThat(b.isOpen()).isTrue();
        p.giveBack(b);
        p.close();
        assertThat(SpoolFiles.open(dir)).isZero();
    }

    /** Once the spool is closed (the server stopped), an upload that was still ending closes its file. */
    @Test
    void aFileGivenBackAfterCloseIsClosed() throws IOException {
        SpoolFilePool p = pool(1 << 20);
        FileChannel a = p.take();
        FileChannel b = p.take();
        p.giveBack(a);
        p.close();
        assertThat(a.isOpen()).isFalse();
        p.giveBack(b);
        assertThat(b.isOpen()).isFalse();
        assertThat(SpoolFiles.open(dir) + SpoolFiles.named(dir)).isZero();
    }
}
