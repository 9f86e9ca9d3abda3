package org.diloco4j.net.auth;

import org.diloco4j.net.wire.Limits;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The per-worker credentials a coordinator admits: name → SHA-256 of that worker's token, one
 * {@code NAME HEX} line each (blank lines and {@code #} comments allowed), as {@code diloco token
 * add} writes them. Only digests are kept: the file lets nobody in. The digests are unsalted on
 * purpose: the tokens are 32 random bytes, so there is no dictionary for a salt to defeat.
 * Immutable.
 */
public final class Credentials {
    /** What a credential line holds. */
    public record Entry(String name, String sha256Hex) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1," + Limits.MAX_NAME + "}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    static final String HEADER = "# diloco credentials: one 'NAME SHA256-OF-TOKEN' per line; edit with 'diloco token add|revoke|list'\n";

    private final List<Entry> entries;
    private final byte[][] digests;

    private Credentials(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        this.digests = new byte[entries.size()][];
        for (int i = 0; i < entries.size(); i++) digests[i] = HexFormat.of().parseHex(entries.get(i).sha256Hex());
    }

    public static Credentials empty() {
        return new Credentials(List.of());
    }

    /**
     * Parses a credentials file's text.
     *
     * @throws IllegalArgumentException naming {@code file} and the line that is wrong
     */
    public static Credentials parse(Path file, String text) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        Map<String, String> byHash = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String where = "credentials file " + file + " line " + (i + 1) + ": ";
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException(where + "expected 'NAME SHA256-HEX', got " + parts.length + " field(s)");
            }
            String bad = badName(parts[0]);
            if (bad != null) throw new IllegalArgumentException(where + bad);
            if (!HEX.matcher(parts[1]).matches()) {
                throw new IllegalArgumentException(where + "the hash of '" + parts[0] + "' is not 64 lowercase hex digits (a SHA-256)");
            }
            if (byName.containsKey(parts[0])) throw new IllegalArgumentException(where + "'" + parts[0] + "' is listed twice");
            String other = byHash.putIfAbsent(parts[1], parts[0]);
            if (other != null) throw new IllegalArgumentException(where + "'" + parts[0] + "' has the same token as '" + other + "'");
            byName.put(parts[0], new Entry(parts[0], parts[1]));
        }
        return new Credentials(new ArrayList<>(byName.values()));
    }

    /** Why {@code name} cannot name a credential, or null. */
    public static String badName(String name) {
        if (NAME.matcher(name).matches()) return null;
        return "credential name '" + name + "' must be 1 to " + Limits.MAX_NAME + " letters, digits, '.', '_', '@' or '-'";
    }

    /** The file's text: a header comment, then one line per credential. */
    public String render() {
        StringBuilder b = new StringBuilder(HEADER);
        for (Entry e : entries) b.append(e.name()).append(' ').append(e.sha256Hex()).append('\n');
        return b.toString();
    }

    public List<Entry> entries() {
        return entries;
    }

    public Entry get(String name) {
        for (Entry e : entries) if (e.name().equals(name)) return e;
        return null;
    }

    /** These credentials and one more. */
    public Credentials with(String name, Token token) {
        if (badName(name) != null) throw new IllegalArgumentException(badName(name));
        if (get(name) != null) throw new IllegalArgumentException("credential '" + name + "' exists");
        List<Entry> more = new ArrayList<>(entries);
        more.add(new Entry(name, hex(token.value())));
        return new Credentials(more);
    }

    /** These credentials without {@code name}'s. */
    public Credentials without(String name) {
        return new Credentials(entries.stream().filter(e -> !e.name().equals(name)).toList());
    }

    /**
     * The name whose token {@code presented} is, or null. Constant-time in the presented value:
     * every digest is compared in full ({@link MessageDigest#isEqual}) and none ends the scan early.
     */
    String nameOf(String presented) {
        if (presented == null) return null;
        byte[] d = sha256(presented);
        String found = null;
        for (int i = 0; i < digests.length; i++) if (MessageDigest.isEqual(digests[i], d)) found = entries.get(i).name();
        return found;
    }

    /** The SHA-256 of a token, in lowercase hex: what a credentials line holds. */
    public static String hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
