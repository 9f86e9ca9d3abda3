package org.diloco4j.app.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.diloco4j.app.cmd.CommandLineTest.Out;
import org.diloco4j.app.run.ModelFile;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptLayout;
import org.diloco4j.model.hf.HfGpt2;
import org.diloco4j.core.io.NamedTensor;
import org.diloco4j.core.io.SafetensorsReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.app.cmd.CleanFailureTest.assertOneLine;
import static org.diloco4j.app.cmd.CleanFailureTest.snapshot;
import static org.diloco4j.app.cmd.CommandLineTest.TINY;
import static org.diloco4j.app.cmd.CommandLineTest.concat;
import static org.diloco4j.app.cmd.CommandLineTest.run;

/**
 * Hugging Face interop through the command line: every finished run holds its θ as GPT-2
 * model.safetensors + config.json, {@code export} writes them for any run that saved a θ, and
 * {@code model.init_from} starts a new run from such a file. (The files' agreement with an
 * independent GPT-2 is model's HfGpt2GoldenTest.)
 */
class HuggingFaceTest {
    /** TINY's model: byte tokens, 1 block, d 32, 2 heads, context 16. */
    private static final GptConfig MODEL = new GptConfig(256, 1, 32, 2, 16);

    /** A finished run, trained once for every test; copied by those that change it. */
    private static Path good;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainAGoodRun(@TempDir Path shared) {
        good = CleanFailureTest.trainTiny(shared.resolve("good"));
    }

    @Test
    void aFinishedRunHoldsItsModelInHuggingFaceLayout() throws IOException {
        float[] theta = ModelFile.read(good.resolve("model.bin"), GptLayout.of(MODEL).arraySize());
        assertThat(HfGpt2.read(good.resolve("model.safetensors"), MODEL)).isEqualTo(theta);
        Map<String, NamedTensor> tensors = SafetensorsReader.read(good.resolve("model.safetensors"));
        assertThat(tensors).containsKey("transformer.h.0.attn.c_attn.weight").doesNotContainKey("lm_head.weight");
        assertThat(tensors.get("transformer.h.0.mlp.c_fc.weight").shape()).containsExactly(32, 128);

        JsonNode c = new ObjectMapper().readTree(good.resolve("config.json").toFile());
        assertThat(c.get("model_type").asText()).isEqualTo("gpt2");
        assertThat(c.get("architectures").get(0).asText()).isEqualTo("GPT2LMHeadModel");
        assertThat(List.of(c.get("vocab_size").asInt(), c.get("n_layer").asInt(), c.get("n_embd").asInt(), c.get("n_head").asInt(),
                c.get("n_positions").asInt(), c.get("n_ctx").asInt())).containsExactly(256, 1, 32, 2, 16, 16);
        assertThat(c.get("activation_function").asText()).isEqualTo("gelu");
        assertThat(c.get("layer_norm_epsilon").asDouble()).isEqualTo(1e-5);
        assertThat(c.get("tie_word_embeddings").asBoolean()).isTrue();
        assertThat(c.get("eos_token_id").asInt()).as("the byte tokenizer's end of text").isEqualTo(255);
        assertThat(c.get("diloco4j_tokenizer").asText()).isEqualTo("bytes");
    }

    @Test
    void exportWritesTheRunsFilesWhereAsked() throws IOException {
        Path out = tmp.resolve("hf/gpt");
        Out o = run("export", "--run", good.toString(), "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("wrote " + out.resolve("model.safetensors"), "parameters", out.resolve("config.json").toString());
        for (String f : List.of("model.safetensors", "config.json")) {
            assertThat(Files.readAllBytes(out.resolve(f))).as(f).isEqualTo(Files.readAllBytes(good.resolve(f)));
        }
        assertThat(leftovers(out)).as("no temporary files are left").isEmpty();
    }

    @Test
    void exportOfARunStoppedWithACheckpointUsesItsTheta() throws IOException {
        Path run = copyOfGood("stopped");
        Files.delete(run.resolve("model.bin"));
        Files.delete(run.resolve("model.safetensors"));
        Out o = run("export", "--run", run.toString());
        assertThat(o.code()).as(o.err()).isZero();
        // A finished run's last checkpoint holds its final θ.
        assertThat(Files.readAllBytes(run.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(good.resolve("model.safetensors")));
    }

    @Test
    void exportOfWhatIsNotAUsableRunIsOneLine() throws IOException {
        Path none = tmp.resolve("no-such-run");
        assertOneLine(run("export", "--run", none.toString()), 2, none.toString(), "does not exist");

        Path empty = copyOfGood("no-model");
        Files.delete(empty.resolve("model.bin"));
        RunDirectory.deleteTree(empty.resolve("checkpoint"));
        assertOneLine(run("export", "--run", empty.toString()), 2, empty.toString(), "has not saved a model", "Ctrl-C");

        Path corrupt = copyOfGood("corrupt");
        byte[] b = Files.readAllBytes(corrupt.resolve("model.bin"));
        b[40] ^= 0x5a;
        Files.write(corrupt.resolve("model.bin"), b);
        Map<String, String> before = snapshot(corrupt);
        assertOneLine(run("export", "--run", corrupt.toString()), 1, corrupt.resolve("model.bin").toString(), "checksum", "delete");
        assertThat(snapshot(corrupt)).isEqualTo(before);
    }

    /** A run started from the good run's files begins where it ended: its first evaluation is the good run's last. */
    @Test
    void aRunStartedFromAnExportBeginsWithItsTheta() throws IOException {
        Path next = tmp.resolve("next");
        Out o = run(concat(new String[] {"train", "--out", next.toString(), "--set", "model.init_from=" + good}, TINY));
        assertThat(o.code()).as(o.err()).isZero();
        ObjectMapper json = new ObjectMapper();
        double ended = json.readTree(good.resolve("summary.json").toFile()).get("final_eval_loss").asDouble();
        double began = json.readTree(next.resolve("summary.json").toFile()).get("initial_eval_loss").asDouble();
        assertThat(began).isEqualTo(ended);
    }

    @Test
    void aModelOfAnotherShapeIsOneLineAndNoRun() {
        Path file = good.resolve("model.safetensors");
        Path out = tmp.resolve("runs/wide");
        Out o = run(concat(concat(new String[] {"train", "--out", out.toString()}, TINY), "--set", "model.d_model=64",
                "--set", "model.init_from=" + file));
        assertOneLine(o, 2, "model.init_from", file.toString(), "tensor transformer.wte.weight has shape [256, 32]", "needs [256, 64]");
        Out net = run(concat(concat(new String[] {"coordinator", "--port", "0", "--out", out.toString()}, TINY), "--set",
                "model.layers=2", "--set", "model.init_from=" + file));
        // The coordinator says what corpus it loaded before it looks at the file: the failure is its last line.
        assertThat(net.code()).as(net.err()).isEqualTo(2);
        assertThat(net.err().strip().lines().toList().getLast()).startsWith("diloco: ")
                .contains("model.init_from", "missing tensors transformer.h.1.ln_1.weight").doesNotContain("Exception");
        Path absent = tmp.resolve("absent.safetensors");
        assertOneLine(run(concat(new String[] {"train", "--out", out.toString(), "--set", "model.init_from=" + absent}, TINY)), 2,
                "model.init_from", absent + " does not exist");
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    private Path copyOfGood(String name) throws IOException {
        return CleanFailureTest.copy(good, tmp.resolve(name));
    }

    private static List<Path> leftovers(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().endsWith(".tmp")).forEach(out::add);
        }
        return out;
    }
}
