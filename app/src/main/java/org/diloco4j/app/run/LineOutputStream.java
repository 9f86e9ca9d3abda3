package org.diloco4j.app.run;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Bytes in, whole lines out (UTF-8, without the line end): for printing above a progress line. */
final class LineOutputStream extends OutputStream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Consumer<String> lines;

    LineOutputStream(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            String line = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            lines.accept(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        } else {
            pending.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) write(b[i]);
    }

    /** A last line without its line end still comes out. */
    @Override
    public synchronized void close() {
        if (pending.size() > 0) write('\n');
    }
}
