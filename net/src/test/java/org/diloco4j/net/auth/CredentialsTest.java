package org.diloco4j.net.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsTest {
    final Token tokyo = Token.random();
    final Token osaka = Token.random();
    final List<String> log = new ArrayList<>();

    @Test
    void aTokenIdentifiesItsCredentialAndNoOther() {
        Credentials c = Credentials.empty().with("tokyo", tokyo).with("osaka", osaka);
        assertThat(c.nameOf(tokyo.value())).isEqualTo("tokyo");
        assertThat(c.nameOf(osaka.value())).isEqualTo("osaka");
        assertThat(c.nameOf(Token.random().value())).isNull();
        assertThat(c.nameOf(null)).isNull();
        // Only the digest is kept, and the text round-trips.
        assertThat(c.render()).doesNotContain(tokyo.value()).contains("tokyo " + Credentials.hex(tokyo.value()));
        assertThat(Credentials.parse(Path.of("f"), c.render()).entries()).isEqualTo(c.entries());
        assertThatThrownBy(() -> c.with("tokyo", Token.random())).hasMessageContaining("'tokyo' exists");
        assertThat(c.without("tokyo").entries()).extracting(Credentials.Entry::name).containsExactly("osaka");
    }

    @Test
    void aBadLineIsNamedWithItsFileAndLineNumber() {
        String hex = Credentials.hex(tokyo.value());
        Path f = Path.of("/run/credentials");
        assertThatThrownBy(() -> Credentials.parse(f, "# header\n\ntokyo " + hex + "\nosaka\n"))
                .hasMessage("credentials file /run/credentials line 4: expected 'NAME SHA256-HEX', got 1 field(s)");
        assertThatThrownBy(() -> Credentials.parse(f, "tokyo " + hex.substring(1) + "\n")).hasMessageContaining("line 1: the hash of 'tokyo'");
        assertThatThrownBy(() -> Credentials.parse(f, "tok/yo " + hex + "\n")).hasMessageContaining("line 1: credential name 'tok/yo'");
        assertThatThrownBy(() -> Credentials.parse(f, "tokyo " + hex + "\ntokyo " + Credentials.hex(osaka.value())))
                .hasMessageContaining("line 2: 'tokyo' is listed twice");
        assertThatThrownBy(() -> Credentials.parse(f, "tokyo " + hex + "\nosaka " + hex)).hasMessageContaining("line 2: 'osaka' has the same token as 'tokyo'");
    }

    @Test
    void secretFilesAreOwnerOnly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t");
        SecretFiles.write(f, "x\n");
        assertThat(Files.getPosixFilePermissions(f)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.list(dir)).containsExactly(f);
    }

    /** The first call after the file changed reads it again: a removed credential is refused on that very call, with no wait. */
    @Test
    void aRemovedCredentialIsRevokedOnTheNextCall(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("credentials");
        SecretFiles.write(f, Credentials.empty().with("tokyo", tokyo).with("osaka", osaka).render());
        LiveCredentials live = LiveCredentials.open(f, log::add);
        List<Set<String>> revoked = new ArrayList<>();
        live.onRevoked(revoked::add);
        assertThat(live.identify(tokyo.value())).isEqualTo(new Identity.Named("tokyo"));

        SecretFiles.write(f, live.current().without("tokyo").render());
        assertThat(live.identify(tokyo.value())).isEqualTo(new Identity.Refused("credential 'tokyo' was revoked"));
        assertThat(live.identify(osaka.value())).isEqualTo(new Identity.Named("osaka"));
        assertThat(live.identify(Token.random().value())).isEqualTo(new Identity.Refused("unknown token"));
        assertThat(revoked).containsExactly(Set.of("tokyo"));
        assertThat(log).anyMatch(l -> l.contains("revoked tokyo"));
    }

    /** Calls against an unchanged file read nothing (one stat each); a rewrite, even to the same size, is read once. */
    @Test
    void theFileIsReadAgainOnlyWhenItChanged(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("credentials");
        SecretFiles.write(f, Credentials.empty().with("tokyo", tokyo).render());
        LiveCredentials live = LiveCredentials.open(f, log::add);
        for (int i = 0; i < 100; i++) live.identify(tokyo.value());
        assertThat(live.readings()).isZero();
        // The same credential under a new token of the same length: a same-size rewrite.
        Token other = Token.random();
        SecretFiles.write(f, Credentials.empty().with("tokyo", other).render());
        for (int i = 0; i < 100; i++) live.identify(other.value());
        assertThat(live.readings()).isEqualTo(1);
        assertThat(live.identify(tokyo.value())).isEqualTo(new Identity.Refused("credential 'tokyo' was revoked"));
    }

    /**
     * A call that finds the file changed while another call is reading it waits for that reading and
     * checks its token against what it read: the new stamp is not published before the credentials.
     * The reading is held open by a fake reader until the second call is seen waiting for the lock
     * (or finished: the old code answered at once, from the credentials read before).
     */
    @Test
    void aCallDuringAReadingSeesTheRevocationItReads(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("credentials");
        SecretFiles.write(f, Credentials.empty().with("tokyo", tokyo).with("osaka", osaka).render());
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reads = new AtomicInteger();
        LiveCredentials live = LiveCredentials.open(f, s -> { }, file -> {
            if (reads.getAndIncrement() == 1) {
                reading.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
            return SecretFiles.readIfExists(file);
        });
        SecretFiles.write(f, live.current().without("tokyo").render());

        AtomicReference<Identity> first = new AtomicReference<>();
        AtomicReference<Identity> second = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> first.set(live.identify(osaka.value())));
        assertThat(reading.await(10, TimeUnit.SECONDS)).as("the first call reads the changed file").isTrue();
        Thread during = Thread.ofPlatform().start(() -> second.set(live.identify(tokyo.value())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (during.isAlive() && !waitsForLockOf(during, live)) {
            assertThat(System.nanoTime()).as("the second call neither finished nor waited for the lock").isLessThan(deadline);
            Thread.onSpinWait();
        }
        release.countDown();
        reader.join();
        during.join();

        assertThat(first.get()).isEqualTo(new Identity.Named("osaka"));
        assertThat(second.get()).isEqualTo(new Identity.Refused("credential 'tokyo' was revoked"));
        assertThat(reads.get()).as("the waiting call did not read the file again").isEqualTo(2);
    }

    private static boolean waitsForLockOf(Thread t, Object monitor) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(t.threadId());
        return info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockInfo() != null
                && info.getLockInfo().getIdentityHashCode() == System.identityHashCode(monitor);
    }

    /** The revocation count moves when a reading revokes, not when one only adds or finds nothing new. */
    @Test
    void theRevocationCountMovesOnlyWithARevocation(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("credentials");
        SecretFiles.write(f, Credentials.empty().with("tokyo", tokyo).render());
        LiveCredentials live = LiveCredentials.open(f, log::add);
        SecretFiles.write(f, live.current().with("osaka", osaka).render());
        live.identify(tokyo.value());
        assertThat(live.revocations()).isZero();
        SecretFiles.write(f, live.current().without("tokyo").render());
        live.identify(osaka.value());
        assertThat(live.revocations()).isEqualTo(1);
        live.identify(osaka.value());
        assertThat(live.revocations()).isEqualTo(1);
    }

    /** An unusable new version of the file keeps the credentials as they were, with one line naming the file and line. */
    @Test
    void aBrokenEditKeepsTheCredentialsReadBefore(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("credentials");
        SecretFiles.write(f, Credentials.empty().with("tokyo", tokyo).render());
        LiveCredentials live = LiveCredentials.open(f, log::add);
        Files.writeString(f, "tokyo\n");
        assertThat(live.refresh()).isEmpty();
        assertThat(live.refresh()).isEmpty();
        assertThat(live.identify(tokyo.value())).isEqualTo(new Identity.Named("tokyo"));
        assertThat(log).containsExactly("credentials file " + f + " line 1: expected 'NAME SHA256-HEX', got 1 field(s); keeping the credentials read before");
        assertThatThrownBy(() -> LiveCredentials.open(dir.resolve("missing"), log::add)).hasMessageContaining("does not exist");
    }
}
