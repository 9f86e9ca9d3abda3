package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Own text too small for a run: every message names the key to change and a value that works, which this test then applies. */
class RunCorpusTest {
    private static final Pattern FIX = Pattern.compile("([a-z_.]+) = ([0-9a-z-]+)");

    @TempDir
    Path tmp;

    /** {@code paragraphs} paragraphs of two lines, ~60 bytes each. */
    private Path notes(int paragraphs) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < paragraphs; p++) sb.append("Note ").append(p).append(" says one thing.\nAnd then another thing.\n\n");
        Path f = tmp.resolve("notes.txt");
        Files.writeString(f, sb.toString());
        return f;
    }

    private RunSetup build(List<String> log, String... sets) {
        List<String> all = new ArrayList<>(List.of("data.cache_dir=" + tmp.resolve("cache")));
        all.addAll(Arrays.asList(sets));
        return RunSetup.build(TinyRuns.config(all.toArray(String[]::new)), log::add);
    }

    /** The "use a = x, or b = y" alternatives of a message; "a = x and b = y" is one alternative. */
    private static List<List<String>> fixes(String message) {
        String tail = message.substring(message.lastIndexOf(": use ") + ": use ".length());
        List<List<String>> out = new ArrayList<>();
        for (String alternative : tail.split(", or ")) {
            List<String> sets = new ArrayList<>();
            Matcher m = FIX.matcher(alternative);
            while (m.find()) sets.add(m.group(1) + "=" + m.group(2));
            out.add(sets);
        }
        return out;
    }

    /** Throws the setup's error, then checks every suggested fix, applied on its own, builds the run. */
    private List<List<String>> suggestionsWork(String... sets) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> build(new ArrayList<>(), sets));
        assertThat(e).as("the setup fails").isNotNull();
        List<List<String>> fixes = fixes(e.getMessage());
        for (List<String> fix : fixes) {
            List<String> with = new ArrayList<>(Arrays.asList(sets));
            with.addAll(fix);
            assertThat(build(new ArrayList<>(), with.toArray(String[]::new)).corpus()).as(e.getMessage() + " -> " + fix).isNotNull();
        }
        return fixes;
    }

    @Test
    void oneDocumentNamesTheSplitRuleThatWorks() throws Exception {
        Path f = notes(10);
        assertThatThrownBy(() -> build(new ArrayList<>(), "data.corpus=" + f, "data.split_rule=file")).isInstanceOf(ConfigException.class)
                .hasMessage("notes.txt has 1 file (data.split_rule = file), and holding out a validation set needs at least 2:"
                        + " use data.split_rule = paragraph (10 paragraphs)");
        assertThat(suggestionsWork("data.corpus=" + f, "data.split_rule=file")).containsExactly(List.of("data.split_rule=paragraph"));
    }

    @Test
    void tooFewDocumentsForTheWorkersNamesTheWorkersThatFit() throws Exception {
        Path f = notes(40);
        assertThatThrownBy(() -> build(new ArrayList<>(), "data.corpus=" + f, "workers=64"))
                .hasMessageStartingWith("notes.txt has ").hasMessageContaining(" paragraphs to train on (data.split_rule = paragraph)"
                        + " but the run has 64 workers, and each worker's shard needs at least one whole document: use");
        assertThat(suggestionsWork("data.corpus=" + f, "workers=64")).isNotEmpty();
    }

    @Test
    void shardsSmallerThanABatchNameABatchAndAWorkerCountThatFit() throws Exception {
        Path f = notes(40);
        String[] sets = {"data.corpus=" + f, "workers=30", "train.batch=8"};
        assertThatThrownBy(() -> build(new ArrayList<>(), sets)).hasMessageMatching("shard \\d+ \\(notes\\.txt \\d+/30, [\\d,]+ tokens\\)"
                + " holds less than one batch of train\\.batch × model\\.context \\+ 1 = 8 × 16 \\+ 1 = 129 tokens: use train\\.batch = \\d,"
                + " or workers = \\d+");
        assertThat(suggestionsWork(sets)).hasSize(2);
    }

    @Test
    void aValidationSetTooSmallForTheEvaluationBatchesIsRaisedWithALine() throws Exception {
        Path f = notes(40);
        List<String> log = new ArrayList<>();
        RunSetup s = build(log, "data.corpus=" + f);
        assertThat(log).anyMatch(l -> l.matches("corpus: \\d+ of 40 paragraphs, [\\d,]+ tokens \\([\\d.]+%\\) held out for validation,"
                + " more than data\\.validation_fraction = 0\\.02, to fill data\\.eval_batches = 2 \\(batches of 4 × 16\\)"));
        try (var evaluator = s.evaluator()) {
            assertThat(evaluator).isNotNull();                 // the held-out batches it needs were cut without an error
        }
        assertThat(log).anyMatch(l -> l.matches("corpus: .*/notes\\.txt, 1 file split into 40 paragraphs \\(data\\.split_rule = paragraph\\),"
                + " [\\d.]+k bytes tokens"));
    }

    @Test
    void aValidationSetThatCannotBeRaisedEnoughNamesTheEvaluationBatchesThatFit() throws Exception {
        Path f = notes(40);
        assertThatThrownBy(() -> build(new ArrayList<>(), "data.corpus=" + f, "data.eval_batches=100"))
                .hasMessageMatching("the validation set of notes\\.txt \\(\\d+ of 40 paragraphs, [\\d,]+ tokens, the most that leaves half"
                        + " the corpus for training\\) holds fewer than data\\.eval_batches × train\\.batch × model\\.context \\+ 1 ="
                        + " 100 × 4 × 16 \\+ 1 = 6,401 tokens: use data\\.eval_batches = \\d+");
        assertThat(suggestionsWork("data.corpus=" + f, "data.eval_batches=100")).hasSize(1);
    }
}
