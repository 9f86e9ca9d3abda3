package org.diloco4j.app.distributed;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.run.RunSetup;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.net.wire.RunDefinition;
import org.diloco4j.net.worker.TrainerProvider;

import java.util.function.Consumer;

/**
 * A networked worker's GPT trainer, built from the resolved configuration the coordinator sent:
 * the same model, optimizer and data setup as in a simulated run, on this host's copy of the
 * corpus (its token cache lives in this host's cache folder, not the coordinator's).
 */
public final class GptTrainers implements TrainerProvider {
    private final String name;
    private final String cacheDir;
    private final Consumer<String> log;

    /** @param cacheDir token cache folder on this host ("" for the default) */
    public GptTrainers(String name, String cacheDir, Consumer<String> log) {
        this.name = name;
        this.cacheDir = cacheDir;
        this.log = log;
    }

    @Override
    public InnerTrainer create(RunDefinition run, int shard, int threads) {
        RunConfig cfg = ConfigLoader.parseString(run.configToml()).with("data.cache_dir", cacheDir);
        if (threads > 0) cfg = cfg.with("train.threads", threads);
        RunSetup setup = RunSetup.build(cfg, log);
        if (setup.plan().totalSize() != run.modelSize()) {
            throw new ConfigException("this worker builds a model of " + setup.plan().totalSize() + " parameters from the run's config; the coordinator's has "
                    + run.modelSize() + " (different corpus or tokenizer on this host?)");
        }
        if (shard >= setup.dataShards().k()) {
            throw new ConfigException("the coordinator assigned data shard " + shard + "; this host's corpus has " + setup.dataShards().k());
        }
        log.accept("building the trainer: GPT " + cfg.integer("model.layers") + " layers × d " + cfg.integer("model.d_model")
                + ", " + run.modelSize() + " parameters, data shard " + shard + (threads > 0 ? ", " + threads + " threads" : ""));
        return setup.trainer(name, shard);
    }
}
