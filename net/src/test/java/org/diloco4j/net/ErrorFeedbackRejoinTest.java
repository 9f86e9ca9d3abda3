package org.diloco4j.net;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.train.ForwardingTrainer;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.worker.TrainerProvider;
import org.diloco4j.net.worker.WorkerClient;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.diloco4j.sim.toy.RecordingTrainer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error feedback across a rejoin (docs/design/ALGORITHMS.md §4, docs/distributed.md "Failures"):
 * a worker whose session is lost while it trains keeps its replica — and so its residual — when it
 * joins again; the round whose push no longer reached θ is forgotten, so the residual is exactly
 * what the applied messages still owe: Σ δ over applied rounds = Σ decode(applied messages) + e.
 */
class ErrorFeedbackRejoinTest {
    /**
     * The simulator's recording fake (θ as loaded, δ of each round), wrapped so that in round
     * {@code cutRound} the worker is partitioned off until the coordinator declares it lost.
     */
    static TrainerProvider recordingAndCutIn(int cutRound, ToyCluster cluster, Partition partition, List<RecordingTrainer> made) {
        return (run, shard, threads) -> {
            RecordingTrainer rec = new RecordingTrainer(ToyCluster.provider().create(run, shard, threads), 0);
            made.add(rec);
            return new ForwardingTrainer(rec) {
                @Override
                public TrainReport train(int steps, GlobalProgress progress) {
                    TrainReport r = super.train(steps, progress);
                    if (rec.deltas().size() == cutRound) {
                        partition.cut.set(true);
                        try {
                            InProcessClusterTest.waitFor(() -> !cluster.recorder.decisions("lost").isEmpty(), 20);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            partition.cut.set(false);
                        }
                    }
                    return r;
                }
            };
        };
    }

    @Test
    void aWorkerThatLosesItsSessionRejoinsWithTheResidualItsAppliedMessagesOwe() throws Exception {
        // One worker, plain SGD with η = 1 and fp32 θ down: every applied message moves θ by exactly
        // its decoded value, so Σ decode(applied) = θ at the first load − final θ.
        CoordinatorConfig cfg = InProcessClusterTest.base(Method.ASYNC).minWorkers(1).outer(OuterOptimizerConfig.sgd(1.0))
                .upCodec("q4").errorFeedback(true).downCodec("fp32").tokenBudget(InProcessClusterTest.BATCH * 10 * 8).build();
        try (ToyCluster c = new ToyCluster(cfg, InProcessClusterTest.FAST, false, null)) {
            Partition partition = new Partition();
            WorkerClient client = partition.client(c);
            List<RecordingTrainer> made = new CopyOnWriteArrayList<>();
            WorkerRuntime w = c.startWorker(WorkerOptions.named("ef"), client, recordingAndCutIn(3, c, partition, made));
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            c.joinWorkers(10);
            assertThat(c.outcomes.get("ef").exit()).isEqualTo(WorkerRuntime.Exit.STOPPED);

            // It was declared lost and joined again as a new member, with the same replica.
            assertThat(c.recorder.decisions("lost")).hasSize(1);
            assertThat(c.recorder.decisions("join")).hasSize(2);
            assertThat(c.workerLog).anyMatch(l -> l.contains("rejoining"));
            assertThat(made).as("trainers built").hasSize(1);
            // Read after the worker's thread ended (joined above).
            RecordingTrainer r = made.get(0);

            // Which rounds reached θ: a round was applied iff θ moved before the next load.
            int n = r.deltas().size();
            assertThat(r.loaded()).hasSize(n);
            float[] fin = t.theta().array();
            boolean[] applied = new boolean[n];
            for (int k = 0; k < n; k++) applied[k] = !Arrays.equals(r.loaded().get(k), k + 1 < n ? r.loaded().get(k + 1) : fin);
            assertThat(applied[2]).as("the round cut off by the partition reached θ").isFalse();
            int appliedCount = 0;
            for (boolean a : applied) if (a) appliedCount++;
            assertThat(appliedCount).isEqualTo(c.recorder.steps().size()).isEqualTo(n - 1);

            // The residual it ends with is what the applied messages still owe; the lost round is not in it.
            float[] e = w.residual(0);
            float[] theta0 = r.loaded().get(0);
            double worst = 0;
            double largest = 0;
            double lostRound = 0;
            for (int i = 0; i < e.length; i++) {
                double sumDelta = 0;
                for (int k = 0; k < n; k++) if (applied[k]) sumDelta += r.deltas().get(k)[i];
                double owed = sumDelta - ((double) theta0[i] - fin[i]);
                worst = Math.max(worst, Math.abs(owed - e[i]));
                largest = Math.max(largest, Math.abs(e[i]));
                lostRound = Math.max(lostRound, Math.abs(r.deltas().get(2)[i]));
            }
            assertThat(largest).as("q4 leaves a residual").isGreaterThan(1e-4);
            assertThat(worst).as("residual − (Σ applied δ − Σ applied decode)").isLessThan(1e-5);
            // The check could tell: had the lost round's δ been kept (re-sent), e would be off by it.
            assertThat(lostRound).isGreaterThan(100 * worst);
        }
    }
}
