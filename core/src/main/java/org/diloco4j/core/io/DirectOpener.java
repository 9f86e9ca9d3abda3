package org.diloco4j.core.io;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Opens a file for direct I/O (O_DIRECT); the seam where tests refuse it, as tmpfs on older kernels
 * and some network filesystems do, or hand out a channel that fails.
 */
@FunctionalInterface
interface DirectOpener {
    /** A channel on {@code file} with {@code options} and O_DIRECT; IOException (or UnsupportedOperationException) if refused. */
    FileChannel open(Path file, Set<OpenOption> options) throws IOException;

    DirectOpener SYSTEM = (file, options) -> {
        Set<OpenOption> o = new HashSet<>(options);
        o.add(ExtendedOpenOption.DIRECT);
        return FileChannel.open(file, o);
    };
}
