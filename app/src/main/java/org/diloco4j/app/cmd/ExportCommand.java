package org.diloco4j.app.cmd;

import org.diloco4j.app.run.HfModelFiles;
import org.diloco4j.app.run.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code diloco export}: a run's global model as Hugging Face GPT-2 files. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the global model of a run as Hugging Face GPT-2 files: model.safetensors and config.json, which",
                "transformers' GPT2LMHeadModel.from_pretrained(folder) loads. A finished run already holds both; export",
                "also serves a run stopped with a checkpoint, and copies the model elsewhere."})
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "run directory")
    Path run;

    @Option(names = "--out", paramLabel = "DIR", description = "folder to write model.safetensors and config.json into, made if"
            + " absent (default: the run directory)")
    Path out;

    @Override
    public Integer call() throws Exception {
        SavedModel m = SavedModel.load(run);
        Path to = out != null ? out : run;
        Files.createDirectories(to);
        long started = System.nanoTime();
        HfModelFiles.write(to, m.config(), m.gpt(), m.theta());
        Path file = to.resolve(HfModelFiles.MODEL);
        System.out.printf(Locale.ROOT, "wrote %s (%,d parameters, %.1f MB) and %s in %.2f s%n", file, m.theta().length,
                Files.size(file) / 1e6, to.resolve(HfModelFiles.CONFIG), (System.nanoTime() - started) / 1e9);
        return 0;
    }
}
