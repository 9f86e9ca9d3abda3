package org.diloco4j.app.report;

import java.util.List;
import java.util.Locale;
import org.diloco4j.app.run.Sample;

/** The text a run's final global model wrote: its recorded samples, prompt and continuation. */
final class Samples {
    private Samples() {
    }

    /** The samples of a run, or an empty string when it recorded none. */
    static String html(RunView v) {
        List<Sample> samples = v.run().metrics().samples();
        if (samples.isEmpty()) {
            return "";
        }
        Sample first = samples.get(0);
        StringBuilder b = new StringBuilder("<div class=\"samples\"><h3>Samples from the final model</h3><p class=\"sub\">")
                .append(Html.esc(samples.size() + " continuation" + (samples.size() == 1 ? "" : "s") + " of the same prompt from θ v"
                        + first.version() + ", " + first.tokens() + " tokens each, temperature " + Fmt.trim(first.temperature(), 3)
                        + ", top-k " + first.topK() + "; the seeds repeat them: "))
                .append("<code>").append(Html.esc(command(v, first))).append("</code></p>");
        for (Sample s : samples) {
            b.append("<figure class=\"sample\"><figcaption>seed ").append(s.seed()).append("</figcaption><pre>");
            if (!s.prompt().isEmpty()) {
                b.append("<b>").append(Html.esc(s.prompt())).append("</b>");
            }
            b.append(Html.esc(s.text())).append("</pre></figure>");
        }
        return b.append("</div>").toString();
    }

    private static String command(RunView v, Sample s) {
        String prompt = s.prompt().isEmpty() ? "" : " --prompt '" + s.prompt().replace("'", "'\\''") + "'";
        return String.format(Locale.ROOT, "diloco sample --run %s%s --tokens %d --temperature %s --top-k %d --seed %d",
                RunView.dirName(v.run()), prompt, s.tokens(), Fmt.trim(s.temperature(), 3), s.topK(), s.seed());
    }
}
