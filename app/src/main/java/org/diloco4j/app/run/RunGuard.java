package org.diloco4j.app.run;

import org.diloco4j.app.failure.RunFailure;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps a run from leaving a half-written directory behind. Until the run applies its first outer
 * step (it watches the run's metrics for it), a failure removes every file and folder the run
 * created — its run directory, parents made for it, a separate checkpoint folder — and nothing that
 * was there before. After that the directory is the record of a real run and stays; the failure's
 * stack trace then goes to its diloco.log.
 */
public final class RunGuard implements MetricSink {
    /**
     * A folder this run writes into.
     *
     * @param dir     the folder
     * @param topmost the highest folder on the way to {@code dir} that this run created, or null if {@code dir} existed
     * @param before  the entries {@code dir} held before the run, which a clean-up leaves alone
     */
    private record Claim(Path dir, Path topmost, Set<Path> before) {
    }

    private final RunDirectory run;
    private final List<Claim> claims = new ArrayList<>();
    private volatile boolean progressed;

    private RunGuard(RunDirectory run) {
        this.run = run;
    }

    /** Makes the directory of a new run (which must not hold a run yet) and guards it. */
    public static RunGuard create(Path dir) throws IOException {
        RunDirectory.requireFree(dir);
        RunGuard g = new RunGuard(new RunDirectory(dir));
        g.alsoCreate(dir);
        return g;
    }

    /** Guards a run that is resumed: nothing is removed (the run is the user's), the log is kept once it steps again. */
    public static RunGuard resuming(RunDirectory dir) {
        return new RunGuard(dir);
    }

    /** Makes one more folder this run writes to (e.g. a checkpoint folder elsewhere), removed with the run. */
    public void alsoCreate(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path topmost = null;
        for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) topmost = p;
        Set<Path> before = Set.of();
        if (topmost == null) {
            try (Stream<Path> s = Files.list(abs)) {
                before = s.collect(Collectors.toUnmodifiableSet());
            }
        }
        Files.createDirectories(abs);
        claims.add(new Claim(abs, topmost, before));
    }

    public RunDirectory dir() {
        return run;
    }

    /** Watches the run's metrics: the first outer step makes the run worth keeping. */
    @Override
    public void emit(Metric m) {
        if (m instanceof Metric.OuterStep) progressed = true;
    }

    /** True once the run applied an outer step (or was {@link #keep kept}). */
    public boolean progressed() {
        return progressed;
    }

    /** Keeps the run directory whatever happens next. */
    public void keep() {
        progressed = true;
    }

    /**
     * The run failed with {@code t}: removes what it created unless it progressed, and returns the
     * failure to throw, pointing at the run directory's diloco.log if the directory stays.
     */
    public RunFailure failed(Throwable t) {
        if (t instanceof RunFailure f) return f;
        if (progressed) return new RunFailure(run.dir(), t);
        try {
            abandon();
        } catch (IOException | UncheckedIOException e) {
            t.addSuppressed(e);
        }
        return new RunFailure(null, t);
    }

    /** Removes what the run created, if it has not progressed; later claims first. */
    public void abandon() throws IOException {
        if (progressed) return;
        for (int i = claims.size() - 1; i >= 0; i--) remove(claims.get(i));
        claims.clear();
    }

    private static void remove(Claim c) throws IOException {
        if (!Files.isDirectory(c.dir())) return;
        try (Stream<Path> s = Files.list(c.dir())) {
            for (Path p : s.filter(p -> !c.before().contains(p)).toList()) RunDirectory.deleteTree(p);
        }
        if (c.topmost() == null) return;
        // The folders made for the run, from the run's own up to the highest one, while they are empty.
        for (Path p = c.dir(); p != null && p.startsWith(c.topmost()); p = p.getParent()) {
            if (!isEmptyDir(p)) break;
            Files.delete(p);
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p)) return false;
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }
}
