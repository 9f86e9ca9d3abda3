package org.diloco4j.app.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A networked run does not touch simulator classes: no source of the network runtime (the net
 * module) or of the app's network commands names a class of org.diloco4j.sim. Both reach the run
 * directory through driver-neutral types (core's RunResult and Segment).
 */
class NoSimulatorTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void noNetworkSourceNamesTheSimulator() throws IOException {
        List<Path> roots = List.of(ROOT.resolve("net/src/main/java"), ROOT.resolve("app/src/main/java/org/diloco4j/app/distributed"));
        for (Path r : roots) assertThat(r).isDirectory();
        List<String> offenders;
        try (Stream<Path> files = roots.stream().flatMap(NoSimulatorTest::javaFiles)) {
            offenders = files.filter(NoSimulatorTest::namesSim).map(Path::toString).toList();
        }
        assertThat(offenders).as("sources that use org.diloco4j.sim").isEmpty();
    }

    @Test
    void theScanSeesAnImport(@TempDir Path tmp) throws IOException {
        Path f = Files.writeString(tmp.resolve("X.java"), "package a;\nimport org.diloco4j.sim.SimResult;\nclass X {}\n");
        assertThat(namesSim(f)).isTrue();
    }

    private static Stream<Path> javaFiles(Path root) {
        try {
            return Files.walk(root).filter(p -> p.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean namesSim(Path file) {
        try {
            return Files.readString(file).contains("org.diloco4j.sim.");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
