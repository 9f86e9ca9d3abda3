package org.diloco4j.app.run;

import org.diloco4j.app.report.Report;
import org.diloco4j.app.report.RunData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes report.html for one run directory, or a combined report for several. */
public final class Reports {
    private Reports() {
    }

    public static void write(RunDirectory dir) throws IOException {
        Report.write(List.of(RunData.read(dir.dir())), dir.report());
    }

    public static void writeCombined(List<RunDirectory> runs, Path out) throws IOException {
        List<RunData> data = new ArrayList<>();
        for (RunDirectory r : runs) data.add(RunData.read(r.dir()));
        Report.write(data, out);
    }
}
