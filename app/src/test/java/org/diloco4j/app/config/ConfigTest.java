package org.diloco4j.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {
    @Test
    void defaultsResolveToTheShowcaseRun() {
        RunConfig c = Resolver.resolve(RunConfig.defaults());
        assertThat(c.str("method")).isEqualTo("async-dn-dylu");
        assertThat(c.workers()).hasSize(4);
        assertThat(c.workers()).extracting(WorkerEntry::secondsPerStep).isSorted();
        assertThat(c.workers().get(3).secondsPerStep() / c.workers().get(0).secondsPerStep()).isCloseTo(3.33 / 0.58, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(c.str("outer.optimizer")).isEqualTo("delayed-nesterov");
        assertThat(c.integer("outer.buffer")).isEqualTo(4);
        assertThat(c.bool("outer.dylu")).isTrue();
        assertThat(c.str("outer.weights")).isEqualTo("shard-size");
        for (ConfigKey k : Schema.keys()) assertThat(c.isAuto(k.name())).as(k.name()).isFalse();
    }

    @Test
    void autoValuesFollowTheMethod() {
        RunConfig sync = Resolver.resolve(RunConfig.defaults().with("method", "diloco").with("data.shards", "iid"));
        assertThat(sync.str("outer.optimizer")).isEqualTo("nesterov");
        assertThat(sync.bool("outer.dylu")).isFalse();
        assertThat(sync.str("outer.weights")).isEqualTo("uniform");
        // Streaming keeps none of a worker's own drift on non-iid shards (EXPERIMENTS.md table d), the paper's half on iid.
        assertThat(sync.dbl("streaming.merge_alpha")).isEqualTo(0.5);
        assertThat(Resolver.resolve(RunConfig.defaults()).dbl("streaming.merge_alpha")).isEqualTo(0.0);
        assertThat(Resolver.resolve(RunConfig.defaults().with("method", "ddp")).str("outer.optimizer")).isEqualTo("sgd");
    }

    @Test
    void defaultsSendInt8UpBf16DownAtH48ButDdpStaysExact() {
        RunConfig c = Resolver.resolve(RunConfig.defaults());
        assertThat(c.str("outer.codec")).isEqualTo("int8:chunk=65536");
        assertThat(c.str("outer.down_codec")).isEqualTo("bf16");
        assertThat(c.integer("outer.inner_steps")).isEqualTo(48);
        assertThat(c.str("outer.buffer_close")).isEqualTo("window");
        assertThat(c.bool("outer.realign")).isTrue();
        RunConfig ddp = Resolver.resolve(RunConfig.defaults().with("method", "ddp"));
        assertThat(ddp.str("outer.codec")).isEqualTo("fp32");
        assertThat(ddp.str("outer.down_codec")).isEqualTo("fp32");
        assertThat(ddp.bool("outer.realign")).isFalse();
        assertThatThrownBy(() -> Resolver.resolve(RunConfig.defaults().with("method", "ddp").with("outer.codec", "int8")))
                .hasMessage("config key outer.codec = \"int8:chunk=65536\" is invalid: method = ddp all-reduces exact fp32 gradients;"
                        + " leave outer.codec at auto (fp32)");
    }

    /** A run saved before outer.realign existed resumes without realignment, as it ran; a new file resolves it. */
    @Test
    void aSavedRunThatPredatesAKeyKeepsWhatItDid(@TempDir Path dir) throws Exception {
        RunConfig c = Resolver.resolve(RunConfig.defaults());
        Path f = dir.resolve("config.toml");
        Files.writeString(f, TomlWriter.write(c).lines().filter(l -> !l.startsWith("realign ")).collect(java.util.stream.Collectors.joining("\n")));
        assertThat(ConfigLoader.load(f, List.of()).isAuto("outer.realign")).isTrue();
        RunConfig saved = ConfigLoader.loadSaved(f);
        assertThat(saved.bool("outer.realign")).isFalse();
        for (ConfigKey k : Schema.keys()) assertThat(saved.isAuto(k.name())).as(k.name()).isFalse();
        Files.writeString(f, TomlWriter.write(c));
        assertThat(ConfigLoader.loadSaved(f)).isEqualTo(c);
    }

    @Test
    void writtenConfigReadsBackEqual(@TempDir Path dir) throws Exception {
        RunConfig c = Resolver.resolve(ConfigLoader.load(null, List.of("method=streaming", "outer.inner_steps=40",
                "streaming.fragments=4", "train.lr=3e-4", "sim.network=datacenter")));
        Path f = dir.resolve("config.toml");
        Files.writeString(f, TomlWriter.write(c));
        RunConfig back = ConfigLoader.load(f, List.of());
        assertThat(back).isEqualTo(c);
        assertThat(Resolver.resolve(back)).isEqualTo(c);
    }

    @Test
    void tomlWithWorkersAndFaults(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("run.toml");
        Files.writeString(f, """
                method = "diloco"
                [outer]
                inner_steps = 20
                [[sim.workers]]
                name = "fast"
                seconds_per_step = 0.5
                up_mbps = 100
                down_mbps = 100
                [[sim.workers]]
                name = "slow"
                seconds_per_step = 2.0
                up_mbps = 10
                down_mbps = 20
                latency_ms = 150
                [[sim.faults]]
                kind = "crash"
                worker = "slow"
                at = 30.0
                [[sim.faults]]
                kind = "slowdown"
                worker = "fast"
                at = 10.0
                until = 20.0
                factor = 3.0
                """);
        RunConfig c = Resolver.resolve(ConfigLoader.load(f, List.of()));
        assertThat(c.workers()).extracting(WorkerEntry::name).containsExactly("fast", "slow");
        assertThat(c.integer("workers")).isEqualTo(2);
        assertThat(c.faults()).extracting(FaultEntry::kind).containsExactly("crash", "slowdown");
        Path written = dir.resolve("written.toml");
        Files.writeString(written, TomlWriter.write(c));
        assertThat(ConfigLoader.load(written, List.of())).isEqualTo(c);
        assertThat(c.integer("outer.inner_steps")).isEqualTo(20);
    }

    @Test
    void errorsNameTheKeyTheValueAndWhatIsAllowed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("outer.innr_steps=3")))
                .hasMessage("unknown config key 'outer.innr_steps'; did you mean 'outer.inner_steps'?");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("train.lr=fast")))
                .hasMessage("config key train.lr = \"fast\" is invalid: expected a number");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("method=gossip")))
                .hasMessage("config key method = \"gossip\" is invalid: allowed: ddp, diloco, async, async-dn-dylu, streaming");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.layers=0")))
                .hasMessage("config key model.layers = 0 is invalid: must be between 1 and 96");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("seed")))
                .hasMessageContaining("expected key=value");
        assertThatThrownBy(() -> Resolver.resolve(ConfigLoader.load(null, List.of("model.heads=3"))))
                .hasMessage("config key model.heads = 3 is invalid: must divide model.d_model = 128");
        assertThatThrownBy(() -> Resolver.resolve(ConfigLoader.load(null, List.of("method=streaming", "outer.inner_steps=10", "streaming.fragments=4"))))
                .hasMessageContaining("must be a multiple of streaming.fragments = 4");
        assertThatThrownBy(() -> Resolver.resolve(ConfigLoader.load(null, List.of("outer.codec=int9"))))
                .hasMessageContaining("config key outer.codec = \"int9\" is invalid");
        for (String lossy : List.of("int8", "q4:block=32", "fp4", "topk:0.01")) {
            assertThatThrownBy(() -> Resolver.resolve(ConfigLoader.load(null, List.of("outer.down_codec=" + lossy))))
                    .hasMessage("config key outer.down_codec = \"" + lossy + "\" is invalid: θ is sent to workers only in fp32, bf16, fp16,"
                            + " never in a lossy codec like '" + lossy + "' (it would quantize the weights themselves on every pull)");
        }
        assertThatThrownBy(() -> Resolver.resolve(ConfigLoader.load(null, List.of("outer.down_codec=fp16:3"))))
                .hasMessage("config key outer.down_codec = \"fp16:3\" is invalid: codec 'fp16:3': fp16 takes no parameters; θ is sent in fp32, bf16, fp16");
        for (String ok : List.of("fp32", "bf16", "FP16")) Resolver.resolve(ConfigLoader.load(null, List.of("outer.down_codec=" + ok)));
        Path f = dir.resolve("bad.toml");
        Files.writeString(f, "[train]\nbatch = 16\nlearning_rate = 0.1\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessageContaining("unknown config key 'train.learning_rate'");
        Files.writeString(f, "[trian]\nbatch = 16\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessage("unknown config section [trian]; did you mean [train]?");
        Files.writeString(f, "[[sim.workers]]\nname = \"a\"\nseconds_per_step = 1\nup_mbps = 1\ndown_mbps = 1\nspeed = 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessageContaining("[[sim.workers]] entry 1: unknown key 'speed'");
        Files.writeString(f, "method = \n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessage("config file " + f + ":1:10: not valid TOML: Newline not"
                + " permitted here (in \"method =\")");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.toml"), List.of())).hasMessageContaining("does not exist");
    }

    @Test
    void tomlSyntaxErrorsSayFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("run.toml");
        Files.writeString(f, "# my run\n[model]\nlayers = 2\nheads = = 4\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).isInstanceOf(ConfigException.class)
                .hasMessage("config file " + f + ":4:9: not valid TOML: Unknown token (in \"heads = = 4\")");
        Files.writeString(f, "[data]\ncorpus = \"a.txt\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessageStartingWith("config file " + f + ":2:");
        assertThatThrownBy(() -> ConfigLoader.parseString("x = 1\nx = 2\n")).hasMessageStartingWith("config text:")
                .hasMessageContaining("not valid TOML: Duplicate key");
    }

    @Test
    void unknownTablesGetADidYouMeanLikeUnknownKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("run.toml");
        Files.writeString(f, "[modell]\nlayers = 2\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessage("unknown config section [modell]; did you mean [model]?");
        Files.writeString(f, "[outer.streaming]\nfragments = 2\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessage("unknown config section [outer.streaming]");
        Files.writeString(f, "[[sim.worker]]\nname = \"a\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
                .hasMessage("unknown array of tables [[sim.worker]]; did you mean [[sim.workers]]?");
        Files.writeString(f, "[sim.fault]\nkind = \"crash\"\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessage("unknown config section [sim.fault]; did you mean [[sim.faults]]?");
    }

    @Test
    void choicesInAnotherCaseAreStoredAndRunUnderTheirCanonicalSpelling(@TempDir Path dir) throws Exception {
        RunConfig c = Resolver.resolve(ConfigLoader.load(null, List.of("method=DiLoCo", "data.shards=IID", "train.precision=BF16",
                "outer.optimizer=Auto", "sim.network=DataCenter", "data.encoding=Latin-1", "outer.codec=INT8", "outer.down_codec=BF16")));
        assertThat(c.str("method")).isEqualTo("diloco");
        assertThat(c.str("data.shards")).isEqualTo("iid");
        assertThat(c.str("train.precision")).isEqualTo("bf16");
        assertThat(c.str("outer.optimizer")).isEqualTo("nesterov");
        assertThat(c.str("sim.network")).isEqualTo("datacenter");
        assertThat(c.workers()).extracting(WorkerEntry::name).startsWith("node0");
        assertThat(c.str("data.encoding")).isEqualTo("iso-8859-1");
        assertThat(c.str("outer.codec")).isEqualTo("int8:chunk=65536");
        assertThat(c.str("outer.down_codec")).isEqualTo("bf16");
        assertThat(org.diloco4j.app.run.RunDirectory.defaultPath(c.str("method")).getFileName().toString()).endsWith("-diloco");
        Path f = dir.resolve("run.toml");
        Files.writeString(f, "method = \"Streaming\"\n[streaming]\nlayout = \"STRIDED\"\n");
        RunConfig fromFile = ConfigLoader.load(f, List.of());
        assertThat(fromFile.str("method")).isEqualTo("streaming");
        assertThat(fromFile.str("streaming.layout")).isEqualTo("strided");
        assertThat(TomlWriter.write(c)).contains("method = \"diloco\"", "shards = \"iid\"", "encoding = \"iso-8859-1\"");
        assertThatThrownBy(() -> Resolver.resolve(ConfigLoader.load(null, List.of("data.encoding=klingon"))))
                .hasMessageStartingWith("config key data.encoding = \"klingon\" is invalid: unknown text encoding 'klingon': use auto, utf-8,");
    }

    @Test
    void splitRuleAutoLooksAtTheCorpus(@TempDir Path dir) throws Exception {
        Path book = dir.resolve("book.txt");
        Files.writeString(book, "Chapter 1\n\nIt was a dark night.\n");
        Path lines = dir.resolve("lines.txt");
        Files.writeString(lines, "one sentence\nanother sentence\n");
        Path folder = Files.createDirectories(dir.resolve("notes"));
        for (int i = 0; i < 20; i++) Files.writeString(folder.resolve(i + ".md"), "note " + i + "\n\nmore");
        assertThat(resolvedRule("data.corpus=" + book)).isEqualTo("paragraph");
        assertThat(resolvedRule("data.corpus=" + lines)).isEqualTo("line");
        assertThat(resolvedRule("data.corpus=" + folder, "workers=4")).isEqualTo("file");
        assertThat(resolvedRule("data.corpus=" + folder, "workers=16")).isEqualTo("paragraph");
        assertThat(resolvedRule("data.corpus=" + book, "data.split_rule=LINE")).isEqualTo("line");
        assertThat(resolvedRule()).isEqualTo("file");                  // europarl ignores it
        assertThat(Schema.key("data.split_rule").defaultValue()).isEqualTo(ConfigKey.AUTO);
        assertThatThrownBy(() -> resolvedRule("data.corpus=" + dir.resolve("missing.txt")))
                .hasMessageStartingWith("config key data.corpus = \"" + dir.resolve("missing.txt") + "\" is invalid: corpus '");
    }

    private static String resolvedRule(String... sets) {
        return Resolver.resolve(ConfigLoader.load(null, List.of(sets))).str("data.split_rule");
    }

    /** outer.staleness_decay is the exponent a in (1 + staleness)^-a; old config files' true / false read as 0.5 / 0. */
    @Test
    void stalenessDecayIsAnExponentAndTheOldSwitchStillReads(@TempDir Path dir) throws Exception {
        assertThat(ConfigLoader.load(null, List.of()).dbl("outer.staleness_decay")).isZero();
        assertThat(ConfigLoader.load(null, List.of("outer.staleness_decay=1.5")).dbl("outer.staleness_decay")).isEqualTo(1.5);
        assertThat(ConfigLoader.load(null, List.of("outer.staleness_decay=true")).dbl("outer.staleness_decay")).isEqualTo(0.5);
        assertThat(ConfigLoader.load(null, List.of("outer.staleness_decay=False")).dbl("outer.staleness_decay")).isZero();
        Path old = dir.resolve("old.toml");
        Files.writeString(old, "[outer]\nstaleness_decay = true\n");
        assertThat(ConfigLoader.load(old, List.of()).dbl("outer.staleness_decay")).isEqualTo(0.5);
        Files.writeString(old, "[outer]\nstaleness_decay = false\n");
        assertThat(ConfigLoader.load(old, List.of()).dbl("outer.staleness_decay")).isZero();
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("outer.staleness_decay=-0.5")))
                .hasMessage("config key outer.staleness_decay = -0.5 is invalid: must be between 0 and 16");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("outer.staleness_decay=yes")))
                .hasMessage("config key outer.staleness_decay = \"yes\" is invalid: expected a number");
        // The resolved config writes the number, and reads back to the same.
        RunConfig r = Resolver.resolve(ConfigLoader.load(null, List.of("outer.staleness_decay=true")));
        Path written = dir.resolve("config.toml");
        Files.writeString(written, TomlWriter.write(r));
        assertThat(Files.readString(written)).contains("staleness_decay = 0.5");
        assertThat(ConfigLoader.load(written, List.of())).isEqualTo(r);
    }

    @Test
    void streamingDefaultsToStridedBalancedFragmentsOfAtMostOneBlockEach() {
        assertThat(ConfigLoader.load(null, List.of()).str("streaming.layout")).isEqualTo("strided");
        assertThatThrownBy(() -> Resolver.resolve(ConfigLoader.load(null, List.of("method=streaming", "streaming.fragments=5", "outer.inner_steps=25"))))
                .hasMessage("config key streaming.fragments = 5 is invalid: must be at most model.layers = 4 (every fragment holds at least one whole block)");
    }

    @Test
    void precisionAutoIsBf16OnCudaAndFp32OnTheCpu() {
        assertThat(Resolver.resolve(RunConfig.defaults()).str("train.precision")).isEqualTo("fp32");
        assertThat(Resolver.resolve(RunConfig.defaults().with("train.device", "cuda:0")).str("train.precision")).isEqualTo("bf16");
        assertThat(Resolver.resolve(RunConfig.defaults().with("train.device", "cuda:0").with("train.precision", "fp32")).str("train.precision"))
                .isEqualTo("fp32");
    }
}
