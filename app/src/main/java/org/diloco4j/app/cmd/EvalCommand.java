package org.diloco4j.app.cmd;

import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.run.RunDirectory;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.TrainJob;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.model.eval.GptEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code diloco eval}: held-out loss and perplexity of a run's global model. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate the global model of a run on its held-out data.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run directory")
    Path run;

    @Override
    public Integer call() throws Exception {
        RunDirectory dir = RunDirectory.existing(run);
        RunConfig cfg = ConfigLoader.load(dir.config(), List.of());
        RunSetup setup = RunSetup.build(cfg, s -> { });
        float[] theta = TrainJob.finalTheta(dir);
        try (GptEvaluator ev = setup.evaluator()) {
            EvalResult r = ev.evaluate(theta);
            System.out.printf(Locale.ROOT, "held-out loss %.4f  perplexity %.3f  (%d tokens)%n", r.loss(), r.perplexity(), r.tokens());
        }
        return 0;
    }
}
