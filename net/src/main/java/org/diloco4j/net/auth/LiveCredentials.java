package org.diloco4j.net.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Per-worker credentials read from a file the operator edits while the run goes on ({@code diloco
 * token add|revoke}). Every call looks at the file's {@link FileStamp} (one stat) and reads it again
 * only when that changed, so a revocation takes effect on the very next call, without a restart and
 * without reading the file on every call. A credential that disappears — or whose token changed — is
 * revoked: its token is refused with a reason saying so, and the listener is told its name so the
 * sessions it holds are ended at once. A file that cannot be read or parsed leaves the credentials
 * as they were, with one log line.
 *
 * <p>A call that finds the file changed while another is reading it waits for that reading: the new
 * stamp is published only once the credentials it stands for are in place, so no call can see the
 * new stamp with the old credentials.
 */
public final class LiveCredentials implements Keyring {
    private final Path file;
    private final Consumer<String> log;
    private final Reader reader;
    private volatile Credentials current;
    /** SHA-256 hex of a revoked token → the name it had. */
    private final Map<String, String> revoked = new ConcurrentHashMap<>();
    private volatile Consumer<Set<String>> onRevoked = names -> { };
    private String lastText;
    private String lastProblem;
    /**
     * The stamp of the file as last read (or found missing or unreadable): another one means read it
     * again. Set last, once {@link #current} and {@link #revoked} hold what the file says.
     */
    private volatile FileStamp stamp;
    /** How many readings revoked credentials; set before the listener is told. */
    private volatile long revocations;
    /** How many times the file was read after opening (for tests: a call that finds it unchanged reads nothing). */
    private volatile long readings;

    /** Reads the file's text (null if it does not exist): {@link SecretFiles#readIfExists}, or a fake in tests. */
    interface Reader {
        String readIfExists(Path file) throws IOException;
    }

    private LiveCredentials(Path file, Consumer<String> log, Reader reader, String text, FileStamp stamp) {
        this.file = file;
        this.log = log;
        this.reader = reader;
        this.current = Credentials.parse(file, text);
        this.lastText = text;
        this.stamp = stamp;
    }

    /**
     * Reads {@code file} for a coordinator starting up.
     *
     * @param log told when a later version of the file is unusable, or credentials were revoked
     * @throws IllegalArgumentException if the file is missing, unreadable or has a bad line (naming it)
     */
    public static LiveCredentials open(Path file, Consumer<String> log) {
        return open(file, log, SecretFiles::readIfExists);
    }

    static LiveCredentials open(Path file, Consumer<String> log, Reader reader) {
        String text;
        FileStamp stamp;
        try {
            stamp = FileStamp.of(file);
            text = reader.readIfExists(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read credentials file " + file + ": " + e.getMessage());
        }
        if (text == null) throw new IllegalArgumentException("credentials file " + file + " does not exist");
        return new LiveCredentials(file, log, reader, text, stamp);
    }

    @Override
    public Identity identify(String presented) {
        if (changed()) refresh();
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
    public long revocations() {
        return revocations;
    }

    @Override
    public void onRevoked(Consumer<Set<String>> listener) {
        this.onRevoked = listener;
    }

    /** The credentials as last read. */
    public Credentials current() {
        return current;
    }

    /** Whether the file's stamp differs from the one last read (a stat that fails counts as a change: the reading says why). */
    private boolean changed() {
        try {
            return !java.util.Objects.equals(FileStamp.of(file), stamp);
        } catch (IOException e) {
            return true;
        }
    }

    /** How many times the file was read again since it was opened. */
    long readings() {
        return readings;
    }

    /**
     * Reads the file again if its stamp changed since the last reading; if credentials were removed (or their token changed), remembers
     * them as revoked and tells the listener.
     *
     * @return the names revoked by this reading (empty if none)
     */
    public synchronized Set<String> refresh() {
        FileStamp seen;
        try {
            seen = FileStamp.of(file);
        } catch (IOException e) {
            // The stamp stays as it was: the next call tries again (the line is logged once).
            problem("cannot read credentials file " + file + ": " + e.getMessage() + "; keeping the credentials read before");
            return Set.of();
        }
        // Another call may have read this very version while this one waited for the lock.
        if (seen != null && seen.equals(stamp)) return Set.of();
        try {
            return read();
        } finally {
            // Only now: a call that saw the old stamp until here found the file changed and waited for
            // the lock, so none checked a token against credentials older than the stamp says.
            stamp = seen;
        }
    }

    /** Reads the file and takes in what it says (or logs why it cannot). Holds the lock. */
    private Set<String> read() {
        String text;
        Credentials next;
        try {
            readings++;
            text = reader.readIfExists(file);
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
            revocations++;
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
