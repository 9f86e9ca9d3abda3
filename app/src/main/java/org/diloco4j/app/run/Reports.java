package org.diloco4j.app.run;

import org.diloco4j.app.report.Report;
import org.diloco4j.app.report.RunData;
import org.diloco4j.app.report.RunStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes report.html for one run directory, or a combined report for several. */
public final class Reports {
    private Reports() {
    }

    /** The report of a run as its directory holds it (finished, or whatever is there so far). */
    public static void write(RunDirectory dir) throws IOException {
        Report.write(List.of(RunData.read(dir.dir())), dir.report());
    }

    /**
     * The report of a run that has not finished, as its writer knows it: {@code RUNNING} or
     * {@code STOPPED}. A run that has written summary.json is reported as finished regardless.
     */
    public static void write(RunDirectory dir, RunStatus status) throws IOException {
        Report.write(List.of(read(dir, status)), dir.report());
    }

    public static void writeCombined(List<RunDirectory> runs, Path out) throws IOException {
        List<RunData> data = new ArrayList<>();
        for (RunDirectory r : runs) data.add(RunData.read(r.dir()));
        Report.write(data, out);
    }

    /**
     * A comparison of finished runs and the one {@code diloco compare} is on, which is
     * {@code RUNNING} or {@code STOPPED}.
     */
    public static void writeCombined(List<RunDirectory> finished, RunDirectory current, RunStatus status, Path out) throws IOException {
        List<RunData> data = new ArrayList<>();
        for (RunDirectory r : finished) data.add(RunData.read(r.dir()));
        data.add(read(current, status));
        Report.write(data, out);
    }

    private static RunData read(RunDirectory dir, RunStatus status) throws IOException {
        RunData d = RunData.read(dir.dir());
        return d.status().finished() ? d : d.withStatus(status);
    }
}
