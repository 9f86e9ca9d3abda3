package org.diloco4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.ParamSpec;
import org.junit.jupiter.api.Test;

class GptConfigTest {
    @Test
    void rejectsWidthNotDivisibleByHeads() {
        assertThatThrownBy(() -> new GptConfig(256, 2, 100, 3, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dModel 100").hasMessageContaining("heads 3");
    }

    @Test
    void rejectsNonPositiveFieldsByName() {
        assertThatThrownBy(() -> new GptConfig(0, 2, 64, 4, 64)).hasMessageContaining("vocabSize").hasMessageContaining("0");
        assertThatThrownBy(() -> new GptConfig(256, -1, 64, 4, 64)).hasMessageContaining("layers");
        assertThatThrownBy(() -> new GptConfig(256, 2, 64, 4, 0)).hasMessageContaining("context");
        assertThatThrownBy(() -> new GptConfig(256, 2, 64, 0, 64)).hasMessageContaining("heads");
    }

    @Test
    void rejectsModelsTooLargeForTheFlatLayout() {
        assertThatThrownBy(() -> new GptConfig(50257, 96, 12288, 96, 2048)).hasMessageContaining("2^31");
    }

    @Test
    void benchModelHasTheClosedFormParameterCount() {
        GptConfig c = GptConfig.bench();
        long v = 256, t = 128, d = 256, layers = 4;
        long closedForm = v * d + t * d + layers * (12 * d * d + 13 * d) + 2 * d;
        assertThat((long) c.parameterCount()).isEqualTo(closedForm).isEqualTo(3_257_856L);
        assertThat(GptLayout.of(c).size()).isEqualTo(c.parameterCount());
        assertThat(c.headDim()).isEqualTo(64);
    }

    @Test
    void layoutFollowsTheNamingContractInOrder() {
        ParamLayout l = GptLayout.of(new GptConfig(64, 2, 32, 2, 16));
        assertThat(l.params()).extracting(ParamSpec::name).containsExactly(
                "tok_emb.weight", "pos_emb.weight",
                "blocks.0.ln1.weight", "blocks.0.ln1.bias", "blocks.0.attn.qkv.weight", "blocks.0.attn.qkv.bias",
                "blocks.0.attn.proj.weight", "blocks.0.attn.proj.bias", "blocks.0.ln2.weight", "blocks.0.ln2.bias",
                "blocks.0.mlp.fc.weight", "blocks.0.mlp.fc.bias", "blocks.0.mlp.proj.weight", "blocks.0.mlp.proj.bias",
                "blocks.1.ln1.weight", "blocks.1.ln1.bias", "blocks.1.attn.qkv.weight", "blocks.1.attn.qkv.bias",
                "blocks.1.attn.proj.weight", "blocks.1.attn.proj.bias", "blocks.1.ln2.weight", "blocks.1.ln2.bias",
                "blocks.1.mlp.fc.weight", "blocks.1.mlp.fc.bias", "blocks.1.mlp.proj.weight", "blocks.1.mlp.proj.bias",
                "ln_f.weight", "ln_f.bias");
        assertThat(l.get("tok_emb.weight").shape()).containsExactly(64, 32);
        assertThat(l.get("pos_emb.weight").shape()).containsExactly(16, 32);
        assertThat(l.get("blocks.1.attn.qkv.weight").shape()).containsExactly(96, 32);
        assertThat(l.get("blocks.1.mlp.fc.weight").shape()).containsExactly(128, 32);
        assertThat(l.get("blocks.1.mlp.proj.weight").shape()).containsExactly(32, 128);
        assertThat(l.get("ln_f.bias").offset() + 32).isEqualTo(l.size());
    }

    @Test
    void weightDecayAppliesToMatmulAndEmbeddingWeightsOnly() {
        ParamLayout l = GptLayout.of(new GptConfig(64, 1, 32, 2, 16));
        assertThat(l.params().stream().filter(GptLayout::decays).map(ParamSpec::name)).containsExactly(
                "tok_emb.weight", "pos_emb.weight", "blocks.0.attn.qkv.weight", "blocks.0.attn.proj.weight",
                "blocks.0.mlp.fc.weight", "blocks.0.mlp.proj.weight");
    }
}
