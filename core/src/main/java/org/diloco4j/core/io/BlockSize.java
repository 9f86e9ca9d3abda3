package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The block size of the filesystem holding a file: what O_DIRECT transfers align to. The seam where
 * tests report what some FUSE and CIFS mounts do (no block size, or one that is not a power of two).
 */
@FunctionalInterface
interface BlockSize {
    /** The block size for {@code file} (which exists); IOException or UnsupportedOperationException where unknown. */
    long of(Path file) throws IOException;

    BlockSize FILESYSTEM = file -> Files.getFileStore(file).getBlockSize();
}
