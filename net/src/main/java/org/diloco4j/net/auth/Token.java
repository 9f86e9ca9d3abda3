package org.diloco4j.net.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The shared secret every call must carry. Comparison is constant-time over SHA-256 digests, so
 * neither the content nor the length of the expected token leaks through timing.
 */
public final class Token {
    /** Shorter secrets are refused: they can be guessed. */
    public static final int MIN_LENGTH = 16;

    private final String value;
    private final byte[] digest;

    private Token(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    /**
     * @throws IllegalArgumentException if the secret is shorter than {@link #MIN_LENGTH} characters,
     *     or holds whitespace or control characters (they do not survive an HTTP header)
     */
    public static Token of(String secret) {
        if (secret == null || secret.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("token has " + (secret == null ? 0 : secret.length()) + " characters; at least "
                    + MIN_LENGTH + " are required");
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("token holds a character that cannot travel in a header (code " + (int) c
                        + " at index " + i + "); use printable ASCII without spaces");
            }
        }
        return new Token(secret);
    }

    /** 32 random bytes, base64url: for a coordinator started without a token file. */
    public static Token random() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return new Token(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    /** The first line of {@code file}, trimmed. */
    public static Token fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("token file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read token file " + file + ": " + e.getMessage());
        }
        if (text.isBlank()) throw new IllegalArgumentException("token file " + file + " is empty; the token goes on its first line");
        String line = text.lines().findFirst().orElse("").strip();
        if (line.isEmpty()) {
            // Both sides read the first line only, so a worker and a coordinator never disagree on what the token is.
            throw new IllegalArgumentException("token file " + file + ": the first line is blank, but the token must be on the first line"
                    + " (remove the blank line above it)");
        }
        try {
            return of(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token file " + file + ": " + e.getMessage());
        }
    }

    /** True if {@code file} can be read by users other than its owner (worth a warning). */
    public static boolean readableByOthers(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            return p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.GROUP_READ);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Writes the token to {@code file} atomically, readable by its owner only where the file system allows. */
    public void writeTo(Path file) throws IOException {
        SecretFiles.write(file, value + "\n");
    }

    /** Constant-time check of a presented secret. */
    public boolean matches(String presented) {
        if (presented == null) return false;
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The secret itself, for a client to send. */
    public String value() {
        return value;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "Token(****)";
    }
}
