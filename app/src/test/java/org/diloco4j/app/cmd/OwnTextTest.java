package org.diloco4j.app.cmd;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.diloco4j.app.cmd.CommandLineTest.Out;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.app.cmd.CommandLineTest.TINY;
import static org.diloco4j.app.cmd.CommandLineTest.concat;
import static org.diloco4j.app.cmd.CommandLineTest.run;

/** First contact with your own text: {@code train --set data.corpus=my.txt} with nothing else, as a user types it. */
class OwnTextTest {
    /** Forty paragraphs of a few lines each, in the given charset. */
    private static Path book(Path dir, String name, Charset charset, String accented) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < 40; p++) {
            sb.append("Paragraph ").append(p).append(": the ").append(accented).append(" of chapter ").append(p / 10).append(".\n");
            sb.append("A second line, so that paragraphs and lines differ.\n\n");
        }
        Path f = dir.resolve(name);
        Files.write(f, sb.toString().getBytes(charset));
        return f;
    }

    private static String[] train(Path tmp, Path corpus, String... extra) {
        return concat(concat(new String[] {"train", "--out", tmp.resolve("run").toString(), "--set", "data.corpus=" + corpus,
                "--set", "data.cache_dir=" + tmp.resolve("cache")}, TINY), extra);
    }

    @Test
    void aSingleFileTrainsWithoutFlagsAndTheFirstLinesSayHowItWasSplit(@TempDir Path tmp) throws Exception {
        Path corpus = book(tmp, "notes.txt", StandardCharsets.UTF_8, "café");
        // The method in another case is the canonical one everywhere: header, config.toml, summary.
        Out o = run(train(tmp, corpus, "--method", "DiLoCo"));
        assertThat(o.code()).as(o.err()).isZero();
        String[] lines = o.err().split("\\R");
        assertThat(lines[0]).startsWith("diloco: diloco, 2 workers");
        assertThat(o.err()).contains("corpus: " + corpus + ", 1 file split into 40 paragraphs (data.split_rule = paragraph)")
                .doesNotContain("not UTF-8");
        String config = Files.readString(tmp.resolve("run/config.toml"));
        assertThat(config).contains("method = \"diloco\"", "split_rule = \"paragraph\"", "encoding = \"auto\"");
        var summary = new ObjectMapper().readTree(tmp.resolve("run/summary.json").toFile());
        assertThat(summary.get("method").asText()).isEqualTo("diloco");
        assertThat(summary.get("final_eval_loss").asDouble()).isLessThan(summary.get("initial_eval_loss").asDouble());
    }

    @Test
    void aLatin1FileTrainsWithoutFlagsAndUtf8OnItIsRefusedInOneLine(@TempDir Path tmp) throws Exception {
        Path corpus = book(tmp, "gutenberg.txt", StandardCharsets.ISO_8859_1, "château");
        int offset = "Paragraph 0: the ch".length();
        Out o = run(train(tmp, corpus));
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("corpus: " + corpus + ", 1 file split into 40 paragraphs (data.split_rule = paragraph)",
                "corpus: 1 file is not UTF-8 and was read as windows-1252 (data.encoding = auto): gutenberg.txt (0xE2 at byte offset "
                        + offset + ")");

        Out refused = run(train(tmp.resolve("again"), corpus, "--set", "data.encoding=UTF-8"));
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).doesNotContain("\tat ", "Exception");
        assertThat(refused.err().strip().lines().reduce((first, last) -> last)).hasValue("diloco: corpus file " + corpus + " is not valid UTF-8: invalid byte sequence at"
                + " byte offset " + offset + " (0xE2); it reads as windows-1252: set data.encoding = windows-1252 (or auto, which reads"
                + " UTF-8 files as UTF-8 and others as windows-1252 or iso-8859-1)");
    }

    @Test
    void configListsTheAllowedValuesOfEveryEnumeratedKey() {
        Out o = run("config");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains(
                "method = \"async-dn-dylu\"  # training protocol; allowed: ddp, diloco, async, async-dn-dylu, streaming",
                "; allowed: bytes, gpt2", "; allowed: iid, non-iid", "; allowed: file, paragraph, line, auto",
                "; allowed: sgd, nesterov, momentum, delayed-nesterov, auto", "; allowed: fp32, bf16", "; allowed: sequential, strided",
                "; allowed: none, slight, moderate, very", "; allowed: world, datacenter",
                "encoding = \"auto\"  # how your text files' bytes are read: auto, utf-8, windows-1252 (cp1252), iso-8859-1 (latin-1)",
                "int8[:chunk=N] (8 + 8192/N bits per value; N in 256..1073741824, default 65536), q4[:block=N]", "topk:F (F in (0, 1]");
        assertThat(o.out().lines().filter(l -> l.startsWith("codec = "))).singleElement().asString()
                .contains("fp32 (32 bits per value), fp16 or bf16 (16), int8[:chunk=N]", "fp4[:block=N]");
        // θ itself only travels in the formats that do not quantize it.
        assertThat(o.out().lines().filter(l -> l.startsWith("down_codec = "))).singleElement().asString()
                .contains("fp32 (exact), bf16", "fp16").doesNotContain("int8", "q4", "topk");
    }
}
