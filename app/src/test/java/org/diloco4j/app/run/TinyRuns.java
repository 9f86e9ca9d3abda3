package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.Resolver;
import org.diloco4j.app.config.RunConfig;

import java.util.ArrayList;
import java.util.List;

/** The default configuration shrunk to seconds: the same code paths, a 1-block GPT, a few thousand tokens. */
final class TinyRuns {
    private TinyRuns() {
    }

    static RunConfig config(String... extra) {
        List<String> sets = new ArrayList<>(List.of("model.layers=1", "model.d_model=32", "model.heads=2", "model.context=16",
                "train.batch=4", "workers=3", "outer.inner_steps=5", "train.token_budget=3000", "data.eval_batches=2",
                "train.warmup_steps=2", "train.threads=1"));
        sets.addAll(List.of(extra));
        return Resolver.resolve(ConfigLoader.load(null, sets));
    }
}
