package org.diloco4j.app.cmd;

import org.diloco4j.app.failure.UserError;
import org.diloco4j.app.run.RunSamples;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.app.run.SavedRun;
import org.diloco4j.model.data.token.Tokenizer;
import org.diloco4j.model.sample.GptSampler;
import org.diloco4j.model.sample.SamplingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code diloco sample}: generate text from a run's global model. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from the global model of a run.")
public final class SampleCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run directory")
    Path run;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "text to continue (default: none, the model starts a new document)")
    String prompt = "";

    @Option(names = "--tokens", paramLabel = "N", description = "tokens to generate (default: 200)")
    int tokens = 200;

    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature, 0 = greedy (default: 0.8)")
    double temperature = 0.8;

    @Option(names = "--top-k", paramLabel = "K", description = "sample among the K most likely tokens, 0 = all (default: 40)")
    int topK = 40;

    @Option(names = "--seed", paramLabel = "S", description = "sampling seed (default: 1)")
    long seed = 1;

    @Override
    public Integer call() throws Exception {
        if (tokens < 0) throw UserError.usage("--tokens " + tokens + " is negative", "give how many tokens to generate");
        if (!(temperature >= 0)) throw UserError.usage("--temperature " + temperature + " is negative", "give 0 for greedy decoding, or more");
        if (topK < 0) throw UserError.usage("--top-k " + topK + " is negative", "give 0 to sample among all tokens, or more");
        SamplingConfig sampling = new SamplingConfig(temperature, topK, seed);
        SavedRun saved = SavedRun.load(run);
        RunSetup setup = saved.setup();
        float[] theta = saved.theta();
        Tokenizer tok = setup.corpus().tokenizer();
        try (GptSampler sampler = new GptSampler(setup.gpt(), tok)) {
            System.out.println(prompt + RunSamples.continuation(sampler, tok, theta, prompt, tokens, sampling));
        }
        return 0;
    }
}
