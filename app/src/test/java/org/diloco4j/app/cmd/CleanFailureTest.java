package org.diloco4j.app.cmd;

import org.bytedeco.pytorch.global.torch;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.app.cmd.CommandLineTest.Out;
import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.Resolver;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.failure.ExitCode;
import org.diloco4j.app.failure.UserError;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.core.io.CheckpointException;
import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.app.distributed.CoordinatorJob;
import org.diloco4j.model.nativ.NativeTorch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.diloco4j.app.cmd.CommandLineTest.TINY;
import static org.diloco4j.app.cmd.CommandLineTest.concat;
import static org.diloco4j.app.cmd.CommandLineTest.run;

/**
 * What a user meets when something is wrong: one line naming the problem and what to do, exit code
 * 2 for bad input and 1 for a failure, no stack trace, and nothing written to disk.
 */
class CleanFailureTest {
    /** A finished tiny run, copied by the tests that damage one. */
    @TempDir
    static Path shared;
    static Path good;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainAGoodRun() {
        good = trainTiny(shared.resolve("good"));
    }

    /** A finished TINY run in {@code dir}. */
    static Path trainTiny(Path dir) {
        Out o = run(concat(new String[] {"train", "--out", dir.toString()}, TINY));
        assertThat(o.code()).as(o.err()).isZero();
        return dir;
    }

    /** Exit code, exactly one line on stderr that names the problem, and no trace of Java in it. */
    static void assertOneLine(Out o, int code, String... names) {
        assertThat(o.code()).as(o.err()).isEqualTo(code);
        List<String> lines = o.err().lines().toList();
        assertThat(lines).as(o.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("diloco: ").contains(names).doesNotContain("at org.", "Exception", "\tat ");
    }

    @Test
    void aMissingCorpusLeavesNoRunDirectory() {
        Path out = tmp.resolve("runs/first");
        Out o = run(concat(new String[] {"train", "--out", out.toString(), "--set", "data.corpus=" + tmp.resolve("no-such-corpus")}, TINY));
        assertOneLine(o, 2, "no-such-corpus");
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void aCudaDeviceWithoutCudaLeavesNoRunDirectory() {
        assumeNoCuda();
        Path out = tmp.resolve("runs/gpu");
        Out o = run(concat(new String[] {"train", "--out", out.toString(), "--set", "train.device=cuda:0"}, TINY));
        assertOneLine(o, 2, "train.device", "cuda:0", "cpu");
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void aFolderTheUserAlreadyHadIsLeftAsItWas() throws IOException {
        assumeNoCuda();
        Path out = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Map<String, String> before = snapshot(out);
        Out o = run(concat(new String[] {"train", "--out", out.toString(), "--set", "train.device=cuda:0"}, TINY));
        assertOneLine(o, 2, "cuda:0");
        assertThat(snapshot(out)).isEqualTo(before);
    }

    @Test
    void compareChecksEveryMethodBeforeWritingAnything() {
        assumeNoCuda();
        Path out = tmp.resolve("cmp");
        Out gpu = run(concat(new String[] {"compare", "--methods", "diloco,async", "--out", out.toString(), "--set", "train.device=cuda:1"}, TINY));
        assertOneLine(gpu, 2, "cuda:1");
        assertThat(out).doesNotExist();
        Out data = run(concat(new String[] {"compare", "--methods", "diloco", "--out", out.toString(), "--set",
                "data.corpus=" + tmp.resolve("gone")}, TINY));
        assertOneLine(data, 2, "gone");
        assertThat(out).doesNotExist();
    }

    @Test
    void resumingAFolderThatIsNotARunSaysSo() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertOneLine(run("train", "--resume", empty.toString()), 2, empty.toString(), "not a run directory");
        assertThat(empty).isEmptyDirectory();
        Path missing = tmp.resolve("missing");
        assertOneLine(run("train", "--resume", missing.toString()), 2, missing.toString(), "does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void aCorruptCheckpointIsRefusedAndLeftUntouched() throws IOException {
        Path run = copyOfGood("corrupt-checkpoint");
        // In the tensor data, near the end: the checksum catches it (a flip in the JSON header is named as damage).
        flipBytes(run.resolve("checkpoint/state.bin"), (int) Files.size(run.resolve("checkpoint/state.bin")) - 300);
        Map<String, String> before = snapshot(run);
        assertOneLine(run("train", "--resume", run.toString(), "--no-progress"), 1, "cannot resume", run.toString(), "checksum",
                "--config " + run.resolve("config.toml"));
        assertThat(snapshot(run)).isEqualTo(before);

        // A checkpoint of the previous format (Java serialization behind the magic "D4JS").
        Path old = copyOfGood("old-checkpoint");
        Files.write(old.resolve("checkpoint/state.bin"), java.nio.ByteBuffer.allocate(64).putInt(0x44344A53).putInt(1).array());
        assertOneLine(run("train", "--resume", old.toString(), "--no-progress"), 1, "cannot resume", "made by an older version of diloco4j",
                "start the run again");

        Path meta = copyOfGood("corrupt-meta");
        Files.writeString(meta.resolve("checkpoint/meta.json"), "{\"metrics_bytes\": ");
        Map<String, String> metaBefore = snapshot(meta);
        assertOneLine(run("train", "--resume", meta.toString(), "--no-progress"), 1, "cannot resume", "meta.json");
        assertThat(snapshot(meta)).isEqualTo(metaBefore);
    }

    /** A directory a coordinator left when it was killed before its first checkpoint: its config, and the checkpoint folder naming it. */
    private Path networkedRunWithoutACheckpoint(String name) throws IOException {
        Path run = Files.createDirectories(tmp.resolve(name).resolve("checkpoint")).getParent();
        Files.copy(good.resolve("config.toml"), run.resolve("config.toml"));
        Files.writeString(run.resolve("checkpoint/run-dir"), run.toAbsolutePath() + "\n");
        return run;
    }

    @Test
    void aNetworkedRunIsNotOfferedTrainsResume() throws IOException {
        Path run = networkedRunWithoutACheckpoint("net-killed");
        Map<String, String> before = snapshot(run);
        // It was "use --resume DIR": train's option, which cannot continue a networked run.
        Out o = run(concat(new String[] {"train", "--out", run.toString()}, TINY));
        assertOneLine(o, 2, run.toString(), "networked run", "'diloco coordinator'", "another --out");
        assertThat(o.err()).doesNotContain("--resume");
        assertThat(snapshot(run)).isEqualTo(before);
    }

    @Test
    void aCoordinatorOfAnotherConfigurationIsRefusedWithAWayThatExists() throws IOException {
        Path run = networkedRunWithoutACheckpoint("net-other");
        Map<String, String> before = snapshot(run);
        Out o = run(concat(new String[] {"coordinator", "--port", "0", "--out", run.toString(), "--set", "seed=99"}, TINY));
        assertOneLine(o, 2, run.toString(), "another configuration", "without --config/--set", "another --out");
        assertThat(snapshot(run)).isEqualTo(before);
    }

    @Test
    void aDamagedCheckpointMetaIsRefusedWhateverBitFlipped() throws IOException {
        Path run = copyOfGood("meta-bits");
        Path meta = run.resolve("checkpoint/meta.json");
        byte[] good = Files.readAllBytes(meta);
        RunDirectory.CheckpointMeta intact = new RunDirectory(run).readMeta();
        int harmless = 0;
        for (int bit = 0; bit < 8 * good.length; bit++) {
            byte[] b = good.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(meta, b);
            try {
                // Accepted only if every value is the one written (a flip JSON ignores, e.g. in a key it does not need).
                assertThat(new RunDirectory(run).readMeta()).as("bit %d: %s", bit, new String(b)).isEqualTo(intact);
                harmless++;
            } catch (UserError e) {
                assertThat(e.getMessage()).as("bit %d", bit).startsWith("cannot resume").doesNotContain("\n");
            }
        }
        assertThat(harmless).isLessThan(8 * good.length / 10);
        // metrics_bytes specifically (it was believed, and cut metrics.jsonl inside a line), through the command line.
        String json = new String(good, java.nio.charset.StandardCharsets.UTF_8);
        int digit = json.indexOf("\"metrics_bytes\":") + "\"metrics_bytes\":".length();
        byte[] b = good.clone();
        b[digit] ^= 1;
        Files.write(meta, b);
        Map<String, String> before = snapshot(run);
        assertOneLine(run("train", "--resume", run.toString(), "--no-progress"), 1, "cannot resume", "meta.json", "checksum");
        assertThat(snapshot(run)).isEqualTo(before);
    }

    @Test
    void aSimulatorCheckpointIsRefusedWhateverByteIsDamaged() throws IOException {
        byte[] b = Files.readAllBytes(good.resolve("checkpoint/state.bin"));
        long header = 8 + java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        // One bit of every byte of the length field and the header (metadata, state JSON, tensor table,
        // padding: what version 2 left outside its checksum), then of every 61st byte of the tensor data
        // (a CRC32C catches any single flipped bit there).
        for (int i = 0; i < b.length; i += i < header ? 1 : 61) {
            byte flip = (byte) (1 << (i % 8));
            b[i] ^= flip;
            int at = i;
            assertThatThrownBy(() -> CheckpointFile.scalars(b, "state.bin", CheckpointFile.Kind.SIMULATION)).as("byte %d", at)
                    .isInstanceOf(CheckpointException.class).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            b[i] ^= flip;
        }
        assertThat(CheckpointFile.scalars(b, "state.bin", CheckpointFile.Kind.SIMULATION)).isEmpty();
    }

    @Test
    void reportOfAFolderWithoutARunWritesNothing() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertOneLine(run("report", empty.toString()), 2, empty.toString(), "not a run directory");
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void evalAndSampleOfARunWithoutAModelSaySo() throws IOException {
        Path run = copyOfGood("no-model");
        Files.delete(run.resolve("model.bin"));
        deleteTree(run.resolve("checkpoint"));
        Map<String, String> before = snapshot(run);
        assertOneLine(run("eval", "--run", run.toString()), 2, run.toString(), "has not saved a model", "Ctrl-C");
        assertOneLine(run("sample", "--run", run.toString()), 2, run.toString(), "has not saved a model", "Ctrl-C");
        assertThat(snapshot(run)).isEqualTo(before);
    }

    @Test
    void aCorruptModelFileIsNamedWithAWayOut() throws IOException {
        Path run = copyOfGood("corrupt-model");
        flipBytes(run.resolve("model.bin"), 40);
        Map<String, String> before = snapshot(run);
        assertOneLine(run("eval", "--run", run.toString()), 1, run.resolve("model.bin").toString(), "checksum", "delete");
        assertOneLine(run("sample", "--run", run.toString()), 1, run.resolve("model.bin").toString(), "checksum");
        assertThat(snapshot(run)).isEqualTo(before);
    }

    @Test
    void aCoordinatorWhosePortIsTakenLeavesNoRunDirectory() throws IOException {
        Path out = tmp.resolve("runs/net");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Out o = run(concat(new String[] {"coordinator", "--bind", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
                    "--out", out.toString()}, TINY));
            assertOneLine(o, 1, "cannot listen", "127.0.0.1:" + taken.getLocalPort(), "--port");
        }
        assertOneLine(run("coordinator", "--port", "70000", "--out", out.toString()), 2, "--port 70000");
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void aCoordinatorWithAMissingTokenFileLeavesNoRunDirectory() {
        Path out = tmp.resolve("net");
        Out o = run(concat(new String[] {"coordinator", "--port", "0", "--token-file", tmp.resolve("token").toString(), "--out",
                out.toString()}, TINY));
        assertOneLine(o, 2, "token file", tmp.resolve("token").toString(), "does not exist");
        assertThat(out).doesNotExist();
    }

    @Test
    void aCoordinatorWithADamagedCheckpointRefusesToStartAndTouchesNothing() throws IOException {
        Path run = copyOfGood("net-run");
        Files.writeString(run.resolve("checkpoint/coordinator.ckpt"), "not a checkpoint");
        Map<String, String> before = snapshot(run);
        assertOneLine(run("coordinator", "--port", "0", "--out", run.toString()), 1, run.resolve("checkpoint/coordinator.ckpt").toString(),
                "not a safetensors file", "another --out");
        // Nor is it a simulated run to resume with train.
        assertOneLine(run("train", "--resume", run.toString()), 2, "networked run", "diloco coordinator");
        assertThat(snapshot(run)).isEqualTo(before);
    }

    @Test
    void aCoordinatorStoppedWhileItChecksTheRunWritesNothing() {
        Path out = tmp.resolve("runs/net");
        RunConfig cfg = Resolver.resolve(ConfigLoader.load(null, List.of("model.layers=1", "model.d_model=32", "model.heads=2",
                "model.context=16", "train.batch=4", "train.threads=1")));
        CoordinatorJob.Options o = new CoordinatorJob.Options("127.0.0.1", 0, out, null, null, null, 2, 20, 1 << 20, -1, 60,
                false, null, new PrintStream(PrintStream.nullOutputStream()), CoordinatorMetrics.NONE, null,
                org.diloco4j.net.coord.AdmissionLimits.DEFAULT);
        assertThatThrownBy(() -> CoordinatorJob.run(cfg, o, new AtomicBoolean(true))).isInstanceOfSatisfying(UserError.class,
                e -> assertThat(e.exit()).isEqualTo(ExitCode.INTERRUPTED));
        assertThat(tmp.resolve("runs")).doesNotExist();
    }

    @Test
    void badSamplingOptionsAreRefusedBeforeTheRunIsRead() {
        assertOneLine(run("sample", "--run", good.toString(), "--tokens", "-5"), 2, "--tokens -5");
        assertOneLine(run("sample", "--run", good.toString(), "--temperature", "-1"), 2, "--temperature -1.0");
        assertOneLine(run("sample", "--run", good.toString(), "--top-k", "-3"), 2, "--top-k -3");
    }

    @Test
    void aWorkerWithoutItsTokenFileOrWithABadAddressSaysWhatToDo() throws IOException {
        Path token = tmp.resolve("token");
        assertOneLine(run("worker", "--join", "127.0.0.1:7070", "--token-file", token.toString()), 2, token.toString(), "does not exist",
                "$DILOCO_TOKEN");
        Files.writeString(token, "abcdefghijklmnopqrstuvwxyz\n");
        assertOneLine(run("worker", "--join", "coordinator-host", "--token-file", token.toString()), 2, "--join coordinator-host",
                "HOST:PORT");
    }

    @Test
    void aMistypedOptionIsOneLineWithTheHelpToRead() {
        assertOneLine(run("train", "--budjet", "5"), 2, "--budjet", "diloco train --help");
        assertOneLine(run("trian"), 2, "trian", "did you mean train");
    }

    private static void assumeNoCuda() {
        NativeTorch.load();
        assumeThat(torch.cuda_is_available()).as("this machine has CUDA").isFalse();
    }

    private Path copyOfGood(String name) throws IOException {
        return copy(good, tmp.resolve(name));
    }

    /** A copy of the run directory {@code from}, made at {@code to}. */
    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(from.relativize(p).toString()));
        }
        return to;
    }

    private static void flipBytes(Path file, int at) throws IOException {
        byte[] b = Files.readAllBytes(file);
        for (int i = at; i < at + 8; i++) b[i] ^= (byte) 0x5a;
        Files.write(file, b);
    }

    /** Every file under {@code dir} with a digest of its bytes. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                out.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir" : HexFormat.of().formatHex(sha256(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
