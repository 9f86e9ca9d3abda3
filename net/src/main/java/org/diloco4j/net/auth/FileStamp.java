package org.diloco4j.net.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a file's metadata says of its version, for deciding whether to read it again: modification
 * time, size and file key (the inode: every atomic rewrite, as {@link SecretFiles#write} does, is a
 * new one, so even a same-size rewrite within one tick of the clock is seen). One stat, no read.
 *
 * @param key null where the file system has no file keys
 */
record FileStamp(FileTime modified, long size, Object key) {
    /** The file's stamp, or null if it does not exist. */
    static FileStamp of(Path file) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
