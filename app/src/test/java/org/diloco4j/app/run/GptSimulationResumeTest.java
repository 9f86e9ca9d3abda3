package org.diloco4j.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.params.BlockAssignment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.FragmentPlanner;
import org.diloco4j.core.train.TrainerState;
import org.diloco4j.model.data.batch.ListBatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptInit;
import org.diloco4j.model.gpt.GptLayout;
import org.diloco4j.model.train.GptTrainer;
import org.diloco4j.model.train.TrainerConfig;
import org.diloco4j.sim.DeviceProfile;
import org.diloco4j.sim.LinkProfile;
import org.diloco4j.sim.SimConfig;
import org.diloco4j.sim.Simulation;
import org.diloco4j.sim.TrainerFactory;
import org.diloco4j.sim.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulation of real GPT trainers, paused mid-run and checkpointed: {@link Simulation#resume}
 * builds fresh trainers and reads each one's θ_i, AdamW moments and step from the open checkpoint
 * file into their native tensors, equal bit for bit to the trainers that were saved.
 */
class GptSimulationResumeTest {
    static final GptConfig MODEL = new GptConfig(64, 2, 32, 2, 16);

    @TempDir
    Path dir;

    /** Builds GPT trainers on fixed random batches and remembers the last one built per worker. */
    static final class Trainers implements TrainerFactory {
        final Map<String, GptTrainer> built = new LinkedHashMap<>();

        @Override
        public GptTrainer create(WorkerSpec worker, int shard, int batchMultiplier) {
            Random r = new Random(100 + shard);
            List<TokenBatch> batches = new ArrayList<>();
            for (int b = 0; b < 4; b++) {
                int[] tokens = r.ints(2 * 17L, 0, MODEL.vocabSize()).toArray();
                int[] in = new int[2 * 16], tg = new int[2 * 16];
                for (int row = 0; row < 2; row++) {
                    System.arraycopy(tokens, row * 17, in, row * 16, 16);
                    System.arraycopy(tokens, row * 17 + 1, tg, row * 16, 16);
                }
                batches.add(new TokenBatch(2, 16, in, tg));
            }
            GptTrainer t = GptTrainer.create(MODEL, TrainerConfig.defaults().withThreads(1), new ListBatchSource(batches), 7 + shard);
            built.put(worker.name(), t);
            return t;
        }
    }

    SimConfig sim() {
        LinkProfile link = LinkProfile.mbps(100, 100, 10);
        return new SimConfig(List.of(new WorkerSpec("a", DeviceProfile.of(1.0), link, 0), new WorkerSpec("b", DeviceProfile.of(1.5), link, 1)),
                List.of(), 3, 5, 0, 0);
    }

    CoordinatorConfig config() {
        return CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(3).minWorkers(2)
                .shards(DataShards.own(10_000, 10_000)).tokenBudget(100_000).build();
    }

    FragmentPlan plan() {
        return FragmentPlanner.plan(GptLayout.of(MODEL), 1, BlockAssignment.SEQUENTIAL);
    }

    private static String digest(TensorData t) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
            for (long at = 0; at < t.bytes(); at += chunk.capacity()) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), t.bytes() - at));
                t.copyTo(at, chunk);
                d.update(chunk.flip());
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Per worker: step, and digests of θ_i and both moments. */
    private static Map<String, List<String>> states(Map<String, GptTrainer> trainers) throws IOException {
        int n = MODEL.parameterCount();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, GptTrainer> e : trainers.entrySet()) {
            TrainerState s = e.getValue().saveState();
            out.put(e.getKey(), List.of("step " + s.step(), digest(e.getValue().parameters()),
                    digest(s.array("exp_avg", n)), digest(s.array("exp_avg_sq", n))));
        }
        return out;
    }

    @Test
    void resumeReadsEachGptTrainersStateFromTheCheckpointBitForBit() throws IOException {
        Trainers first = new Trainers();
        Path file = dir.resolve("state.bin");
        Map<String, List<String>> saved;
        try (Simulation s = new Simulation(sim(), config(), plan(), GptInit.init(MODEL, 1), first, null, m -> { })) {
            int[] events = {0};
            assertThat(s.run(() -> events[0]++ >= 12)).isNull();
            saved = states(first.built);
            assertThat(saved.values()).allSatisfy(d -> assertThat(d.getFirst()).isNotEqualTo("step 0"));
            s.checkpoint(file);
        }
        Trainers unrestored = new Trainers();
        for (String w : saved.keySet()) unrestored.create(new WorkerSpec(w, DeviceProfile.of(1.0), LinkProfile.mbps(1, 1, 1), w.equals("a") ? 0 : 1), w.equals("a") ? 0 : 1, 1);
        try {
            Map<String, List<String>> fresh = states(unrestored.built);
            for (String w : saved.keySet()) {
                assertThat(fresh.get(w)).as("a freshly built trainer of %s differs in step, θ_i and both moments", w).doesNotContainAnyElementsOf(saved.get(w));
            }
        } finally {
            unrestored.built.values().forEach(GptTrainer::close);
        }
        Trainers second = new Trainers();
        try (Simulation resumed = Simulation.resume(file, sim(), config(), plan(), second, null, m -> { })) {
            assertThat(second.built.keySet()).isEqualTo(saved.keySet());
            assertThat(states(second.built)).as("step, θ_i, exp_avg, exp_avg_sq per worker").isEqualTo(saved);
        }
    }
}
