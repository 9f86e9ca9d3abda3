package org.diloco4j.app.cmd;

import org.diloco4j.app.Main;
import org.diloco4j.app.run.SavedRun;
import org.diloco4j.model.sample.GptSampler;
import org.diloco4j.model.sample.SamplingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a user meets it: exit codes, messages, the compare table and report, sample and eval. */
class CommandLineTest {
    static final String[] TINY = {"--set", "model.layers=1", "--set", "model.d_model=32", "--set", "model.heads=2",
            "--set", "model.context=16", "--set", "train.batch=4", "--set", "workers=2", "--set", "outer.inner_steps=4",
            "--set", "train.token_budget=1500", "--set", "data.eval_batches=1", "--set", "train.threads=1", "--no-progress"};

    record Out(int code, String out, String err) {
    }

    static Out run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = Main.run(args);
            return new Out(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void configErrorsExitWithCode2AndAReason(@TempDir Path tmp) {
        Out o = run("train", "--out", tmp.resolve("x").toString(), "--set", "outer.inner_steps=-3");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("config key outer.inner_steps = -3 is invalid: must be between 1 and 1000000");
        Out c = run("train", "--config", tmp.resolve("nope.toml").toString());
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err()).contains("does not exist");
    }

    @Test
    void compareRunsEachMethodAndWritesATableAndACombinedReport(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("cmp");
        Out o = run(concat(new String[] {"compare", "--methods", "ddp,diloco", "--out", out.toString()}, TINY));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("method", "eval loss", "bits/byte", "vs DDP").containsPattern("(?m)^ddp\\s")
                .containsPattern("(?m)^diloco\\s");
        for (String m : new String[] {"ddp", "diloco"}) {
            var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve(m + "/summary.json").toFile());
            assertThat(summary.get("outer_steps").asLong()).as(m).isPositive();
            assertThat(summary.get("final_eval_loss").asDouble()).as(m).isLessThan(summary.get("initial_eval_loss").asDouble());
            // The table's bits per byte is the summary's: for byte tokens, the final loss in bits.
            double bpb = summary.get("final_eval_bpb").asDouble();
            assertThat(bpb).isCloseTo(summary.get("final_eval_loss").asDouble() / Math.log(2), org.assertj.core.data.Offset.offset(1e-12));
            assertThat(o.out()).containsPattern("(?m)^" + m + "\\s.*\\s" + java.util.regex.Pattern.quote(String.format(java.util.Locale.ROOT, "%.4f", bpb)) + "\\s");
        }
        assertThat(Files.readString(out.resolve("report.html"))).contains("ddp", "diloco", "<svg");

        Out s = run("sample", "--run", out.resolve("diloco").toString(), "--prompt", "The ", "--tokens", "20");
        assertThat(s.code()).as(s.err()).isZero();
        SavedRun saved = SavedRun.load(out.resolve("diloco"));
        try (GptSampler g = new GptSampler(saved.setup().gpt(), saved.setup().corpus().tokenizer())) {
            // The prompt once, then what the sampler continues it with (the command's defaults: T 0.8, top-k 40, seed 1).
            assertThat(s.out()).isEqualTo(g.generate(saved.theta(), "The ", 20, new SamplingConfig(0.8, 40, 1)) + System.lineSeparator());
        }
        Out fresh = run("sample", "--run", out.resolve("diloco").toString(), "--tokens", "20");
        assertThat(fresh.code()).as(fresh.err()).isZero();
        assertThat(fresh.out().strip()).isNotEmpty();
        Out e = run("eval", "--run", out.resolve("diloco").toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("held-out loss", "perplexity", "bits per byte");

        // The samples the run recorded are reproducible with the command the report shows.
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var samples = Files.readAllLines(out.resolve("diloco/metrics.jsonl")).stream().map(l -> {
            try {
                return json.readTree(l);
            } catch (java.io.IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }).filter(n -> n.get("type").asText().equals("sample")).toList();
        assertThat(samples).hasSize(3);
        var second = samples.get(1);
        Out again = run("sample", "--run", out.resolve("diloco").toString(), "--prompt", second.get("prompt").asText(),
                "--tokens", second.get("tokens").asText(), "--temperature", second.get("temperature").asText(),
                "--top-k", second.get("top_k").asText(), "--seed", second.get("seed").asText());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo(second.get("prompt").asText() + second.get("text").asText() + System.lineSeparator());
        assertThat(Files.readString(out.resolve("diloco/report.html"))).contains("Samples from the final model");
    }
}
