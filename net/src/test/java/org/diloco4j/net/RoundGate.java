package org.diloco4j.net;

import org.diloco4j.core.train.ForwardingTrainer;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.net.worker.TrainerProvider;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds every worker at the start of its training for round {@code round} until {@link #open}:
 * synchronous rounds cannot move on while all of them are held, so what a test does between
 * {@link #awaitHeld} and {@link #open} happens mid-run, however slowly the machine runs. (Waiting
 * for a step count instead raced the run: toy rounds take milliseconds, and a loaded machine
 * could finish all of them before the test acted.)
 */
final class RoundGate {
    private final int round;
    private final CountDownLatch held;
    private final CountDownLatch open = new CountDownLatch(1);

    RoundGate(int round, int workers) {
        this.round = round;
        this.held = new CountDownLatch(workers);
    }

    TrainerProvider provider() {
        return (run, shard, threads) -> new ForwardingTrainer(ToyCluster.provider().create(run, shard, threads)) {
            private int rounds;

            @Override
            public TrainReport train(int steps, GlobalProgress progress) {
                if (++rounds == round) {
                    held.countDown();
                    try {
                        if (!open.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("the test never opened the gate");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                return super.train(steps, progress);
            }
        };
    }

    /** Waits until every worker is held (a bound only a broken run reaches). */
    void awaitHeld() throws InterruptedException {
        assertThat(held.await(30, TimeUnit.SECONDS)).as("every worker reached round %d", round).isTrue();
    }

    void open() {
        open.countDown();
    }
}
