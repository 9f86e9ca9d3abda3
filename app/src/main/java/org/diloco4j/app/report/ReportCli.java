package org.diloco4j.app.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a report from existing run directories, for scripts (scripts/report-screenshot):
 * {@code java -cp ... org.diloco4j.app.report.ReportCli OUT.html RUN_DIR [RUN_DIR...]}.
 */
public final class ReportCli {
    private ReportCli() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ReportCli OUT.html RUN_DIR [RUN_DIR...]");
            System.exit(2);
        }
        try {
            List<RunData> runs = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                runs.add(RunData.read(Path.of(args[i])));
            }
            Report.write(runs, Path.of(args[0]));
            System.out.println("wrote " + args[0]);
        } catch (IOException e) {
            System.err.println("report: " + e.getMessage());
            System.exit(1);
        }
    }
}
