package org.diloco4j.net;

import org.diloco4j.core.run.RunResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.diloco4j.core.coord.Method;
import org.diloco4j.net.coord.RunTotals;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.net.Snapshots.value;

/** The coordinator's and the workers' Prometheus metrics tell the same story as the run's own totals. */
class ClusterMetricsTest {
    @Test
    void aRunsMetricsAgreeWithItsTotalsAndWithEachWorkersAccounting() throws Exception {
        try (ToyCluster c = new ToyCluster(InProcessClusterTest.base(Method.ASYNC).build(), InProcessClusterTest.FAST, false, null)) {
            InProcessClusterTest.startThree(c);
            RunTotals t = c.await(30);
            c.joinWorkers(10);
            PrometheusRegistry r = c.registry;

            assertThat(value(r, "diloco_coordinator_outer_steps_total")).isEqualTo(t.outerSteps()).isPositive();
            assertThat(value(r, "diloco_coordinator_theta_version")).isEqualTo(c.version());
            assertThat(value(r, "diloco_coordinator_tokens_total")).isEqualTo(t.tokens());
            assertThat(value(r, "diloco_coordinator_received_bytes_total")).isEqualTo(t.bytesUp());
            assertThat(value(r, "diloco_coordinator_sent_bytes_total")).isEqualTo(t.bytesDown());
            long applied = t.staleness().values().stream().mapToLong(Long::longValue).sum();
            assertThat(value(r, "diloco_coordinator_pushes_applied_total")).isEqualTo(applied);
            assertThat(value(r, "diloco_coordinator_applied_staleness")).isEqualTo(applied);
            assertThat(Snapshots.atMost(r, "diloco_coordinator_applied_staleness", 0)).isEqualTo(t.staleness().getOrDefault(0L, 0L));
            // Every accepted push is timed from its last byte to its answer: the applied ones, and any accepted but left out.
            assertThat(value(r, "diloco_coordinator_push_answer_seconds")).isGreaterThanOrEqualTo(applied).isPositive();
            // Only pushes that were in flight when the budget was reached may be turned away.
            assertThat(value(r, "diloco_coordinator_pushes_rejected_total"))
                    .isEqualTo(value(r, "diloco_coordinator_pushes_rejected_total", "reason", "run_over"));
            assertThat(value(r, "diloco_coordinator_eval_loss")).isEqualTo(t.finalEval().loss());
            assertThat(value(r, "diloco_coordinator_info", "method", "async")).isEqualTo(1);

            for (RunResult.Worker w : t.workers()) {
                String n = w.name();
                PrometheusRegistry wr = c.workerRegistries.get(n);
                // A worker's last push may arrive after the budget was reached: trained and sent, but not counted by the coordinator.
                assertThat(value(r, "diloco_coordinator_tokens_total", "worker", n)).as(n).isPositive().isLessThanOrEqualTo(w.tokens());
                assertThat(value(r, "diloco_coordinator_received_bytes_total", "worker", n)).as(n).isPositive().isLessThanOrEqualTo(w.bytesUp());
                assertThat(value(r, "diloco_coordinator_pushes_applied_total", "worker", n)).as(n).isPositive();
                // The worker's own figures are those its final report gave the coordinator.
                assertThat(value(wr, "diloco_worker_inner_steps_total")).as(n).isEqualTo(w.steps());
                assertThat(value(wr, "diloco_worker_tokens_total")).as(n).isEqualTo(w.tokens());
                assertThat(value(wr, "diloco_worker_sent_bytes_total")).as(n).isEqualTo(w.bytesUp());
                assertThat(value(wr, "diloco_worker_received_bytes_total")).as(n).isEqualTo(w.bytesDown());
                assertThat(value(wr, "diloco_worker_activity_seconds_total", "activity", "compute")).as(n).isPositive();
                assertThat(value(wr, "diloco_worker_pushes_total")).as(n)
                        .isGreaterThanOrEqualTo(value(r, "diloco_coordinator_pushes_applied_total", "worker", n));
                assertThat(value(wr, "diloco_worker_pushes_rejected_total")).as(n).isLessThanOrEqualTo(1);
                assertThat(value(wr, "diloco_worker_pulls_total")).as(n).isPositive();
                assertThat(value(wr, "diloco_worker_tokens_per_second")).as(n).isPositive();
                assertThat(value(wr, "diloco_worker_train_loss")).as(n).isPositive();
                assertThat(value(wr, "diloco_worker_theta_version")).as(n).isBetween(0.0, (double) c.version());
                assertThat(value(wr, "diloco_worker_joined")).as(n).isZero();
                assertThat(value(wr, "diloco_worker_info", "name", n)).as(n).isEqualTo(1);
            }
        }
    }
}
