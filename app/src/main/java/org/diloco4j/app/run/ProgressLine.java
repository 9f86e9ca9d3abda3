package org.diloco4j.app.run;

import org.diloco4j.app.report.Fmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the progress line says at one moment, and how it is written: fitted to a terminal's width
 * ({@link #fit}) or whole, for a log ({@link #plain}).
 * <pre>
 *  45% [========>          ] 1.35M/3.00M tok  step 124  eval 3.210  train 3.301  8.13k tok/s  sim 2 min 10 s  sent 14.1 MB
 * </pre>
 * The percentage and the tokens against the budget are always there. When the width is short the
 * bar shrinks first (down to {@link #BAR_MIN} columns); then the optional fields go, least useful
 * first — see {@link Field}; only a terminal too narrow for even that loses the bar, and then the
 * line is cut.
 *
 * @param tokens          tokens trained so far (all sessions of the run)
 * @param budget          the run's token budget
 * @param step            outer steps so far
 * @param evalLoss        latest held-out loss (NaN before the first evaluation)
 * @param trainLoss       smoothed training loss (NaN before the first report)
 * @param tokensPerSecond tokens per real second in this session (NaN while too early to tell)
 * @param time            the run's time: simulated, or real for a networked run (see {@code clock})
 * @param clock           which time {@code time} is
 * @param bytes           bytes sent so far, both directions
 */
public record ProgressLine(long tokens, long budget, long step, double evalLoss, double trainLoss, double tokensPerSecond,
                           double time, RunClock clock, long bytes) {
    static final int BAR_MIN = 10;
    static final int BAR_MAX = 40;
    static final String SEPARATOR = "  ";

    /**
     * The optional fields, in the order a line that is short of room keeps them: the held-out loss
     * says whether the run learns; the training loss says it sooner and more often; tokens per
     * second says how fast; the outer step ties the line to metrics.jsonl and the report; the run's
     * time and the bytes sent are what the summary reports at the end anyway. They are shown in
     * the order of {@link #DISPLAY}.
     */
    public enum Field { EVAL, TRAIN, RATE, STEP, TIME, BYTES }

    /** Left to right on the line. */
    static final List<Field> DISPLAY = List.of(Field.STEP, Field.EVAL, Field.TRAIN, Field.RATE, Field.TIME, Field.BYTES);

    /** The whole line, without a bar: for logs, where nothing is cut. */
    public String plain() {
        StringBuilder b = new StringBuilder(percent().strip()).append(' ').append(count().strip());
        for (Field f : DISPLAY) b.append(SEPARATOR).append(text(f).strip());
        return b.toString();
    }

    /** The line in at most {@code columns - 1} characters (the last column stays free: some terminals wrap on writing it). */
    public String fit(int columns) {
        int room = columns - 1;
        String head = percent() + " ";
        String tail = " " + count();
        List<Field> kept = new ArrayList<>(List.of(Field.values()));
        while (true) {
            String fields = fields(kept);
            int bar = room - head.length() - tail.length() - fields.length();
            if (bar >= BAR_MIN) return head + bar(Math.min(bar, BAR_MAX)) + tail + fields;
            if (kept.isEmpty()) break;
            kept.remove(kept.size() - 1);
        }
        String bare = head + count();
        return bare.length() <= room ? bare : bare.substring(0, Math.max(0, room));
    }

    private String fields(List<Field> kept) {
        StringBuilder b = new StringBuilder();
        for (Field f : DISPLAY) if (kept.contains(f)) b.append(SEPARATOR).append(text(f));
        return b.toString();
    }

    String text(Field f) {
        return switch (f) {
            case STEP -> "step " + step;
            case EVAL -> "eval " + Fmt.loss(evalLoss);
            case TRAIN -> "train " + Fmt.loss(trainLoss);
            case RATE -> String.format(Locale.ROOT, "%5s tok/s", Double.isFinite(tokensPerSecond) ? Fmt.tokens(tokensPerSecond) : "—");
            case TIME -> clock.label + " " + Fmt.seconds(time);
            case BYTES -> "sent " + Fmt.bytes(bytes);
        };
    }

    private double fraction() {
        return budget > 0 ? Math.min(1.0, Math.max(0.0, (double) tokens / budget)) : 0;
    }

    private String percent() {
        return String.format(Locale.ROOT, "%3d%%", (int) Math.floor(100 * fraction()));
    }

    private String count() {
        // Padded to the widest a count can be ("12.3k"), so the bar does not jump as digits come and go.
        return String.format(Locale.ROOT, "%5s/%s tok", Fmt.tokens(tokens), Fmt.tokens(budget));
    }

    /** "[=====>    ]", {@code width} characters with the brackets. */
    private String bar(int width) {
        int inner = width - 2;
        int done = (int) Math.floor(inner * fraction());
        StringBuilder b = new StringBuilder(width).append('[');
        b.repeat('=', done);
        if (done < inner) b.append('>').repeat(' ', inner - done - 1);
        return b.append(']').toString();
    }
}
