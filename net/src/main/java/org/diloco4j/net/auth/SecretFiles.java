package org.diloco4j.net.auth;

import org.diloco4j.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files only their owner may read (mode 600), written atomically with {@link AtomicFiles}. Its
 * temporary file takes the default permissions, so it is written inside a private directory (mode
 * 700, beside the target, hence on the same file system): nobody else can open it there, not even
 * for a moment. It is made owner-only, then renamed over the target, and the directory removed.
 */
public final class SecretFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private SecretFiles() {
    }

    public static void write(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        // Files.createTempDirectory makes it owner-only (700) on POSIX file systems.
        Path hidden = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
        Path staged = hidden.resolve(target.getFileName());
        try {
            AtomicFiles.write(staged, text.getBytes(StandardCharsets.UTF_8));
            if (POSIX) Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
            AtomicFiles.move(staged, target);
        } finally {
            Files.deleteIfExists(staged);
            Files.deleteIfExists(hidden);
        }
    }

    /** The file's text, or null if it does not exist. */
    public static String readIfExists(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
