package org.diloco4j.app.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Lines a run's set-up writes (the corpus it tokenized and how it split it) held back until the
 * run is known to start: a run refused during its checks then says one line, what is wrong, and a
 * run that starts says its header first and these notes after it.
 */
public final class DeferredLog implements Consumer<String> {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void accept(String line) {
        lines.add(line);
    }

    /** Writes the lines held so far to {@code out}, in order, and forgets them. */
    public synchronized void flushTo(PrintStream out) {
        for (String l : lines) out.println(l);
        lines.clear();
    }
}
