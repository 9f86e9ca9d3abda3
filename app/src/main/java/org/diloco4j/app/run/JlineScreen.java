package org.diloco4j.app.run;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;

/**
 * Standard error as JLine sees it: a terminal (with its width, followed on resize) or, when stderr
 * is redirected to a file or a pipe or TERM is dumb, no terminal. Looking costs a few hundred
 * milliseconds (JLine probes the stream), so it is done once per process and the answer kept.
 */
final class JlineScreen implements Screen {
    /** What terminals that cannot tell their size report; the width JLine itself falls back to. */
    private static final int FALLBACK_COLUMNS = 80;
    private static Screen stderr;

    private final Terminal terminal;
    private volatile int columns;

    private JlineScreen(Terminal terminal) {
        this.terminal = terminal;
        this.columns = measure();
    }

    /** Standard error's screen. The JLine terminal stays open for the life of the process, to hear resizes. */
    static synchronized Screen stderr() {
        if (stderr == null) stderr = open();
        return stderr;
    }

    private static Screen open() {
        Terminal t;
        try {
            // dumb(true): when stderr is not a terminal JLine hands back a dumb one instead of failing.
            t = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysErr).dumb(true).build();
        } catch (IOException e) {
            return Screen.NONE;
        }
        if (t.getType().startsWith(Terminal.TYPE_DUMB)) {
            try {
                t.close();
            } catch (IOException e) {
                // Nothing was drawn on it; a failure to release it changes nothing for the run.
            }
            return Screen.NONE;
        }
        JlineScreen s = new JlineScreen(t);
        t.handle(Terminal.Signal.WINCH, sig -> s.columns = s.measure());
        return s;
    }

    private int measure() {
        int w = terminal.getWidth();
        return w >= 10 ? w : FALLBACK_COLUMNS;
    }

    @Override
    public int columns() {
        return columns;
    }
}
