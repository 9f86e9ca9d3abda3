package org.diloco4j.app.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless chromium, run the way scripts/report-screenshot runs it: a fresh profile, no
 * network chatter, a bounded wait, and the whole process tree destroyed if it overruns.
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    private Chromium() {
    }

    /** Takes a {@code width}×{@code height} screenshot of the page. */
    static void screenshot(Path html, Path png, int width, int height, Path scratch) throws Exception {
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                html.toAbsolutePath().toUri().toString()), scratch, "screenshot");
    }

    /** The DOM after the page was parsed and laid out, as chromium serializes it. */
    static String dumpDom(Path html, Path scratch) throws Exception {
        Path out = run(List.of("--dump-dom", html.toAbsolutePath().toUri().toString()), scratch, "dom");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Runs chromium with a fresh profile under {@code scratch}; returns the file holding its stdout. */
    private static Path run(List<String> args, Path scratch, String name) throws Exception {
        Path profile = Files.createTempDirectory(scratch, "chromium-profile-");
        Path stdout = scratch.resolve(name + ".out");
        Path stderr = scratch.resolve(name + ".err");
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().put("HOME", scratch.toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("chromium did not finish within " + TIMEOUT.toSeconds() + " s: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IOException("chromium exited with " + p.exitValue() + ": " + tail(stderr));
            }
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return stdout;
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }
}
