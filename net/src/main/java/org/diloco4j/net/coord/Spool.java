package org.diloco4j.net.coord;

import java.nio.file.Path;

/**
 * Where uploads wait until the coordinator applies them: up to {@code memoryBytes} of each upload in
 * memory, the rest appended to a temporary file in {@code dir} (deleted once the push is handled or
 * its stream breaks). So a connected worker costs at most {@code memoryBytes} of heap for its upload,
 * whatever the model's size.
 *
 * <p>Set with the system properties {@value #DIR_PROPERTY} (default: {@code java.io.tmpdir}) and
 * {@value #MEMORY_PROPERTY} (bytes; default 64 MiB).
 */
record Spool(Path dir, long memoryBytes) {
    static final String DIR_PROPERTY = "diloco.spool.dir";
    static final String MEMORY_PROPERTY = "diloco.spool.memory";
    static final long DEFAULT_MEMORY = 64L << 20;

    Spool {
        if (memoryBytes < 0) throw new IllegalArgumentException("spool memory allowance must be >= 0 bytes, got " + memoryBytes);
    }

    /** From the system properties, as the service reads them when it starts. */
    static Spool fromSystem() {
        String dir = System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        String memory = System.getProperty(MEMORY_PROPERTY);
        long bytes;
        try {
            bytes = memory == null ? DEFAULT_MEMORY : Long.parseLong(memory.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MEMORY_PROPERTY + " must be a whole number of bytes, got '" + memory + "'");
        }
        return new Spool(Path.of(dir), bytes);
    }
}
