package org.diloco4j.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.diloco4j.core.optim.OuterOptimizerConfig.Kind;
import org.junit.jupiter.api.Test;

class OuterOptimizerConfigTest {
    @Test
    void createsTheOptimizerOfEachKind() {
        assertThat(OuterOptimizerConfig.sgd(1).create(3)).isInstanceOf(OuterSgd.class);
        OuterOptimizer nes = OuterOptimizerConfig.diloco().create(3);
        assertThat(nes).isInstanceOf(OuterNesterov.class);
        assertThat(((OuterNesterov) nes).lr()).isEqualTo(0.7f);
        assertThat(((OuterNesterov) nes).momentum()).isEqualTo(0.9f);
        assertThat(((OuterNesterov) nes).nesterov()).isTrue();
        assertThat(((OuterNesterov) OuterOptimizerConfig.momentum(0.5, 0.5).create(3)).nesterov()).isFalse();
        DelayedNesterov dn = (DelayedNesterov) OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0.1).create(3);
        assertThat(dn.bufferSize()).isEqualTo(4);
        assertThat(dn.c()).isEqualTo(0.1);
        for (Kind k : Kind.values()) {
            OuterOptimizerConfig cfg = new OuterOptimizerConfig(k, 0.5, 0.5, 2, 0.25);
            assertThat(cfg.create(7).state().kind()).isEqualTo(cfg.stateKind());
            assertThat(cfg.create(7).size()).isEqualTo(7);
        }
    }

    @Test
    void parsesKindsAndListsTheAllowedOnes() {
        assertThat(Kind.parse(" Delayed-Nesterov ")).isEqualTo(Kind.DELAYED_NESTEROV);
        assertThat(Kind.parse("sgd")).isEqualTo(Kind.SGD);
        assertThatThrownBy(() -> Kind.parse("adam")).hasMessageContaining("'adam'").hasMessageContaining("sgd, nesterov, momentum, delayed-nesterov");
    }

    @Test
    void validationNamesTheKeyAndTheValue() {
        assertThatThrownBy(() -> OuterOptimizerConfig.nesterov(0, 0.9)).hasMessageContaining("outer.lr = 0.0");
        assertThatThrownBy(() -> OuterOptimizerConfig.nesterov(0.7, 1.5)).hasMessageContaining("outer.momentum = 1.5").hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 0, 0)).hasMessageContaining("outer.buffer-size (N) = 0");
        assertThatThrownBy(() -> OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 8, 0.2)).hasMessageContaining("outer.c = 0.2").hasMessageContaining("0.125");
        assertThatThrownBy(() -> new OuterOptimizerConfig(null, 1, 0, 1, 0)).hasMessageContaining("kind is missing");
    }
}
