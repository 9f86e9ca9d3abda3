package org.diloco4j.app.cmd;

import org.diloco4j.app.run.Reports;
import org.diloco4j.app.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code diloco report}: (re)write the HTML report of one run, or a comparison of several. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the self-contained HTML report of one run directory, or a comparison of several.")
public final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run directories")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "FILE.html", description = "output (default: RUN_DIR/report.html for one run, report.html for several)")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<RunDirectory> dirs = new ArrayList<>();
        for (Path p : runs) dirs.add(RunDirectory.existing(p));
        Path target = out != null ? out : runs.size() == 1 ? runs.get(0).resolve("report.html") : Path.of("report.html");
        Reports.writeCombined(dirs, target);
        System.out.println("wrote " + target);
        return 0;
    }
}
