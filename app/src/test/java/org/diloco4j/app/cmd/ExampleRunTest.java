package org.diloco4j.app.cmd;

import org.diloco4j.app.cmd.CommandLineTest.Out;
import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.Resolver;
import org.diloco4j.app.config.RunConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** examples/run.toml, which the README's coordinator command uses, and its copy for Kubernetes. */
public class ExampleRunTest {
    /** The repository's root: the first folder above the working directory that holds examples/run.toml. */
    public static Path example() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/run.toml"))) return p.resolve("examples/run.toml");
        }
        throw new AssertionError("examples/run.toml not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theExampleIsASmallNetworkedRunThatWaitsForItsFourWorkers() {
        RunConfig cfg = Resolver.resolve(ConfigLoader.load(example(), List.of()));
        assertThat(cfg.str("method")).isEqualTo("async-dn-dylu");
        assertThat(cfg.integer("workers")).isEqualTo(4);
        assertThat(cfg.integer("outer.min_workers")).isEqualTo(4);
        assertThat(cfg.str("data.corpus")).isEqualTo("europarl");
        assertThat(cfg.lng("train.token_budget")).isEqualTo(20_000_000L);
        assertThat(cfg.str("train.device")).isEqualTo("cpu");
    }

    @Test
    void kubernetesRunsTheSameFile() throws IOException {
        // kustomize builds its ConfigMap only from files beside the manifests, so deploy/k8s holds a copy.
        Path k8s = example().getParent().getParent().resolve("deploy/k8s/run.toml");
        assertThat(Files.readString(k8s)).isEqualTo(Files.readString(example()));
    }

    @Test
    void configPrintsItResolved() {
        Out o = CommandLineTest.run("config", "--config", example().toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("method = \"async-dn-dylu\"", "token_budget = 20000000", "min_workers = 4");
    }
}
