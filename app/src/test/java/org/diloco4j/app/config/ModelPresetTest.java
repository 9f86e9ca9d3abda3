package org.diloco4j.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelPresetTest {
    @Test
    void tinyIsExactlyTheSchemaDefaultsSoTheDefaultRunIsUnchanged() {
        RunConfig c = RunConfig.defaults();
        assertThat(c.str("model.preset")).isEqualTo("tiny");
        for (var e : ModelPreset.TINY.settings().entrySet()) {
            assertThat(c.get(e.getKey())).as(e.getKey()).isEqualTo(Schema.key(e.getKey()).defaultValue());
        }
        assertThat(c.integer("model.layers")).isEqualTo(4);
        assertThat(c.integer("model.d_model")).isEqualTo(128);
        assertThat(c.str("data.tokenizer")).isEqualTo("bytes");
    }

    @Test
    void gpt2SmallExpandsToGpt2sShapeAndTokenizer() {
        RunConfig c = Resolver.resolve(ConfigLoader.load(null, List.of("model.preset=gpt2-small")));
        assertThat(List.of(c.integer("model.layers"), c.integer("model.d_model"), c.integer("model.heads"), c.integer("model.context")))
                .containsExactly(12, 768, 12, 1024);
        assertThat(c.str("data.tokenizer")).isEqualTo("gpt2");
        assertThat(c.fromPreset("model.layers")).isTrue();
        assertThat(c.fromPreset("train.batch")).isFalse();
    }

    @Test
    void anExplicitKeyWinsOverThePresetWhicheverComesFirst(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.toml");
        Files.writeString(f, "[model]\ncontext = 256\n");
        RunConfig c = ConfigLoader.load(f, List.of("model.preset=gpt2-small", "data.tokenizer=bytes"));
        assertThat(c.integer("model.context")).isEqualTo(256);
        assertThat(c.str("data.tokenizer")).isEqualTo("bytes");
        assertThat(c.integer("model.d_model")).isEqualTo(768);
        assertThat(c.fromPreset("model.context")).isFalse();
        // A preset set later (a sweep axis) re-derives only the keys nobody gave.
        RunConfig small = c.with("model.preset", "small");
        assertThat(small.integer("model.d_model")).isEqualTo(512);
        assertThat(small.integer("model.context")).isEqualTo(256);
    }

    @Test
    void smallHasAbout25MParametersInItsBlocks() {
        RunConfig c = RunConfig.defaults().with("model.preset", "small");
        long d = c.integer("model.d_model");
        long blocks = c.integer("model.layers") * (12 * d * d + 13 * d);
        assertThat(blocks).isBetween(24_000_000L, 26_000_000L);
        assertThat(c.integer("model.d_model") % c.integer("model.heads")).isZero();
    }

    @Test
    void configShowsWhichValuesCameFromThePreset() {
        String toml = TomlWriter.write(Resolver.resolve(RunConfig.defaults().with("model.preset", "gpt2-small").with("model.context", 256)));
        assertThat(toml).contains("d_model = 768  # [from model.preset gpt2-small]");
        assertThat(toml).contains("tokenizer = \"gpt2\"  # [from model.preset gpt2-small]");
        assertThat(toml).containsPattern("\ncontext = 256  # [^\\[]");
    }

    @Test
    void aSavedConfigReadsBackEqualWithThePresetsValuesNowExplicit(@TempDir Path dir) throws Exception {
        RunConfig c = Resolver.resolve(RunConfig.defaults().with("model.preset", "small"));
        Path f = dir.resolve("config.toml");
        Files.writeString(f, TomlWriter.write(c));
        RunConfig back = ConfigLoader.loadSaved(f);
        assertThat(back).isEqualTo(c);
        assertThat(back.fromPreset("model.layers")).isFalse();
        // A restarted coordinator compares configurations by value: the text differs (the preset notes).
        assertThat(TomlWriter.write(back)).isNotEqualTo(TomlWriter.write(c));
    }

    @Test
    void aBadPresetNameListsTheAllowedOnesInOneLine() {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("model.preset=huge")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key model.preset = \"huge\" is invalid: allowed: tiny, small, gpt2-small");
    }
}
