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
        assertThat(Resolver.resolve(RunConfig.defaults().with("method", "ddp")).str("outer.optimizer")).isEqualTo("sgd");
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
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessageContaining("unknown config section [trian]");
        Files.writeString(f, "[[sim.workers]]\nname = \"a\"\nseconds_per_step = 1\nup_mbps = 1\ndown_mbps = 1\nspeed = 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessageContaining("[[sim.workers]] entry 1: unknown key 'speed'");
        Files.writeString(f, "method = \n");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of())).hasMessageContaining("is not valid TOML");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.toml"), List.of())).hasMessageContaining("does not exist");
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
}
