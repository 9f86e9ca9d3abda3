package org.diloco4j.app.distributed;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A diloco command in its own JVM (the test's classpath), logging to a file; killed with SIGKILL on request. */
final class Jvm implements AutoCloseable {
    final String name;
    final Path log;
    final Process process;

    private Jvm(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    static Jvm start(String name, Path logDir, String... args) throws IOException {
        List<String> cmd = command();
        cmd.addAll(List.of(args));
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb);
        return new Jvm(name, log, pb.start());
    }

    /** The diloco command line, up to its arguments: this JVM's java and the test classpath. */
    static List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx384m");
        cmd.add("-XX:+UseSerialGC");
        // C1 only: these JVMs live for seconds and their heavy lifting is native; the C2 compiler would compete for the cores.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xss4m");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add("org.diloco4j.app.Main");
        return cmd;
    }

    /** Native libraries single-threaded (the environment is read when the JVM starts), and no token from the environment. */
    static void environment(ProcessBuilder pb) {
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().remove("DILOCO_TOKEN");
    }

    /** Surefire puts the test classpath in a property (its own java.class.path may be a manifest-only jar). */
    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
        return cp;
    }

    /** Waits for the exit code. */
    int await(double seconds) throws InterruptedException {
        if (!process.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + seconds + " s; its log:\n" + logText());
        }
        return process.exitValue();
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
