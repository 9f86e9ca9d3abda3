package org.diloco4j.model.train;

import org.diloco4j.model.nativ.ThreadTeam;
import org.diloco4j.model.nativ.TorchDevice;

/**
 * How a worker trains: inner optimizer, schedule, clipping, precision, regularisation and where
 * and on how many threads it runs.
 *
 * @param adamw     inner AdamW hyper-parameters
 * @param schedule  warmup + cosine, in steps of the run's clock (see {@code scheduleTokens})
 * @param gradClip  global gradient-norm clip; 0 disables it
 * @param dropout   residual dropout probability in [0, 1)
 * @param precision inner-loop arithmetic
 * @param threads   compute threads of a step: the batch's rows are split among them, each running
 *                  single-threaded libtorch ops (see ShardedStep); 0 = all available processors
 * @param device    {@code cpu} or {@code cuda:N}
 * @param scheduleTokens tokens of the whole run per step of the schedule: workers × batch × context,
 *                  so that a schedule step is one step of every worker; 0 = this trainer's own
 *                  batch × context (a trainer alone). Used when the trainer is given the run's clock.
 */
public record TrainerConfig(AdamWConfig adamw, LrSchedule schedule, double gradClip, double dropout,
                            Precision precision, int threads, TorchDevice device, long scheduleTokens) {
    /** A trainer whose schedule steps are its own steps. */
    public TrainerConfig(AdamWConfig adamw, LrSchedule schedule, double gradClip, double dropout,
                         Precision precision, int threads, TorchDevice device) {
        this(adamw, schedule, gradClip, dropout, precision, threads, device, 0);
    }

    public TrainerConfig {
        if (adamw == null) throw new IllegalArgumentException("trainer.adamw is required");
        if (schedule == null) throw new IllegalArgumentException("trainer.schedule is required");
        if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new IllegalArgumentException("trainer.gradClip must be >= 0 (0 disables), got " + gradClip);
        }
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("trainer.dropout must be in [0, 1), got " + dropout);
        if (precision == null) throw new IllegalArgumentException("trainer.precision is required (FP32 or BF16)");
        if (threads < 0) throw new IllegalArgumentException("trainer.threads must be >= 0 (0 = all processors), got " + threads);
        if (device == null) throw new IllegalArgumentException("trainer.device is required");
        if (scheduleTokens < 0) throw new IllegalArgumentException("trainer.scheduleTokens must be >= 0 (0 = own batch), got " + scheduleTokens);
    }

    /** DiLoCo defaults: AdamW(4e-4, 0.9, 0.95, wd 0.1), 1000 warmup steps, constant after, clip 1.0, fp32 on the CPU. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(AdamWConfig.defaults(), new LrSchedule(1000, 0, 0.1), 1.0, 0.0,
                Precision.FP32, 0, TorchDevice.CPU);
    }

    /** {@link #threads}, with 0 resolved to the number of available processors. */
    public int effectiveThreads() {
        return ThreadTeam.resolve(threads);
    }

    public TrainerConfig withAdamw(AdamWConfig a) {
        return new TrainerConfig(a, schedule, gradClip, dropout, precision, threads, device, scheduleTokens);
    }

    public TrainerConfig withSchedule(LrSchedule s) {
        return new TrainerConfig(adamw, s, gradClip, dropout, precision, threads, device, scheduleTokens);
    }

    public TrainerConfig withGradClip(double clip) {
        return new TrainerConfig(adamw, schedule, clip, dropout, precision, threads, device, scheduleTokens);
    }

    public TrainerConfig withDropout(double p) {
        return new TrainerConfig(adamw, schedule, gradClip, p, precision, threads, device, scheduleTokens);
    }

    public TrainerConfig withPrecision(Precision p) {
        return new TrainerConfig(adamw, schedule, gradClip, dropout, p, threads, device, scheduleTokens);
    }

    public TrainerConfig withThreads(int n) {
        return new TrainerConfig(adamw, schedule, gradClip, dropout, precision, n, device, scheduleTokens);
    }

    public TrainerConfig withScheduleTokens(long tokens) {
        return new TrainerConfig(adamw, schedule, gradClip, dropout, precision, threads, device, tokens);
    }

    public TrainerConfig withDevice(TorchDevice d) {
        return new TrainerConfig(adamw, schedule, gradClip, dropout, precision, threads, d, scheduleTokens);
    }
}
