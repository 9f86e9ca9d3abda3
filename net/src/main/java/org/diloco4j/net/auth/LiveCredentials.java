package org.diloco4j.net.auth;

import org.diloco4j.core.time.Clock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Per-worker credentials read from a file the operator edits while the run goes on ({@code diloco
 * token add|revoke}): the file is read again at most every {@link #RECHECK_SECONDS} seconds, when a
 * call comes in (every live worker heartbeats more often than that), so a revocation takes effect
 * within seconds without a restart. A credential that disappears — or whose token changed — is
 * revoked: its token is refused with a reason saying so, and the listener is told its name so the
 * sessions it holds are ended at once. A file that cannot be read or parsed leaves the credentials
 * as they were, with one log line.
 */
public final class LiveCredentials implements Keyring {
    /** How stale the credentials may be: the longest a revoked token still gets in. */
    public static final double RECHECK_SECONDS = 2;

    private final Path file;
    private final Clock clock;
    private final Consumer<String> log;
    private volatile Credentials current;
    /** SHA-256 hex of a revoked token → the name it had. */
    private final Map<String, String> revoked = new ConcurrentHashMap<>();
    private volatile Consumer<Set<String>> onRevoked = names -> { };
    private String lastText;
    private String lastProblem;
    private volatile long checkedAt;

    private LiveCredentials(Path file, Clock clock, Consumer<String> log, String text) {
        this.file = file;
        this.clock = clock;
        this.log = log;
        this.current = Credentials.parse(file, text);
        this.lastText = text;
        this.checkedAt = clock.nanos();
    }

    /**
     * Reads {@code file} for a coordinator starting up.
     *
     * @param log told when a later version of the file is unusable, or credentials were revoked
     * @throws IllegalArgumentException if the file is missing, unreadable or has a bad line (naming it)
     */
    public static LiveCredentials open(Path file, Clock clock, Consumer<String> log) {
        String text;
        try {
            text = SecretFiles.readIfExists(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read credentials file " + file + ": " + e.getMessage());
        }
        if (text == null) throw new IllegalArgumentException("credentials file " + file + " does not exist");
        return new LiveCredentials(file, clock, log, text);
    }

    @Override
    public Identity identify(String presented) {
        if (clock.secondsSince(checkedAt) >= RECHECK_SECONDS) recheck();
        String name = current.nameOf(presented);
        if (name != null) return new Identity.Named(name);
        String hex = presented == null ? "" : Credentials.hex(presented);
        // Constant-time like the lookup above: the revoked digests are few, and each is compared in full.
        String gone = null;
        for (Map.Entry<String, String> e : revoked.entrySet()) {
            if (java.security.MessageDigest.isEqual(e.getKey().getBytes(), hex.getBytes())) gone = e.getValue();
        }
        return new Identity.Refused(gone != null ? "credential '" + gone + "' was revoked" : "unknown token");
    }

    @Override
    public void onRevoked(Consumer<Set<String>> listener) {
        this.onRevoked = listener;
    }

    /** The credentials as last read. */
    public Credentials current() {
        return current;
    }

    /** Reads the file again unless another call just did: the calls that found it stale wait for one reading. */
    private synchronized void recheck() {
        if (clock.secondsSince(checkedAt) >= RECHECK_SECONDS) refresh();
    }

    /**
     * Reads the file again now; if credentials were removed (or their token changed), remembers
     * them as revoked and tells the listener.
     *
     * @return the names revoked by this reading (empty if none)
     */
    public synchronized Set<String> refresh() {
        checkedAt = clock.nanos();
        String text;
        Credentials next;
        try {
            text = SecretFiles.readIfExists(file);
            if (text == null) {
                problem("credentials file " + file + " has disappeared; keeping the " + current.entries().size()
                        + " credential(s) read before (revoke with 'diloco token revoke', do not delete the file)");
                return Set.of();
            }
            if (text.equals(lastText)) return Set.of();
            next = Credentials.parse(file, text);
        } catch (IOException | IllegalArgumentException e) {
            problem((e instanceof IOException ? "cannot read credentials file " + file + ": " : "") + e.getMessage()
                    + "; keeping the credentials read before");
            return Set.of();
        }
        lastText = text;
        lastProblem = null;
        Set<String> gone = new LinkedHashSet<>();
        for (Credentials.Entry e : current.entries()) {
            Credentials.Entry now = next.get(e.name());
            if (now == null || !now.sha256Hex().equals(e.sha256Hex())) {
                gone.add(e.name());
                revoked.put(e.sha256Hex(), e.name());
            }
        }
        // A token put back (the same line restored) is valid again.
        for (Credentials.Entry e : next.entries()) revoked.remove(e.sha256Hex());
        current = next;
        if (!gone.isEmpty()) {
            log.accept("credentials file " + file + " changed: revoked " + String.join(", ", gone) + "; " + next.entries().size()
                    + " credential(s) remain");
            onRevoked.accept(Set.copyOf(gone));
        } else {
            log.accept("credentials file " + file + " changed: " + next.entries().size() + " credential(s)");
        }
        return gone;
    }

    private void problem(String line) {
        if (line.equals(lastProblem)) return;
        lastProblem = line;
        log.accept(line);
    }
}
