package org.diloco4j.app.cmd;

import org.diloco4j.app.report.Fmt;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.SavedRun;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.model.eval.GptEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code diloco eval}: held-out loss, perplexity and bits per byte of a run's global model. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate the global model of a run on its held-out data.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run directory")
    Path run;

    @Override
    public Integer call() throws Exception {
        SavedRun saved = SavedRun.load(run);
        RunSetup setup = saved.setup();
        float[] theta = saved.theta();
        try (GptEvaluator ev = setup.evaluator()) {
            EvalResult r = ev.evaluate(theta);
            System.out.printf(Locale.ROOT, "held-out loss %.4f  perplexity %.3f  bits per byte %s  (%d tokens, %d bytes)%n", r.loss(),
                    r.perplexity(), Fmt.bpb(r.bitsPerByte()), r.tokens(), r.bytes());
        }
        return 0;
    }
}
