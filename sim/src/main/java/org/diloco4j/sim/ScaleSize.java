package org.diloco4j.sim;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;

import java.util.List;

/**
 * A model size docs/scale.md works through: its parameter count, the GPT shape that sets its
 * attention FLOPs ({@link ModelShape}) and the windows one worker trains per inner step.
 *
 * @param label  how the docs name it (124M, 1B, ...)
 * @param shape  where the shape comes from, in words
 * @param model  N, layers, width and context
 * @param batch  windows of {@code model.context()} tokens per inner step, per worker
 */
public record ScaleSize(String label, String shape, ModelShape model, int batch) {
    /**
     * The four sizes of issue 14. 124M is this project's {@code gpt2-small} preset with its exact
     * count; the others are GPT-2-style stacks (tied embedding, learned positions, 4d MLP) whose
     * depth and width give about the nominal count, and N is taken as the nominal count itself.
     * The batches grow with the model as in GPT-3's and LLaMA 2's training runs (0.5M to 4M tokens
     * per step).
     */
    public static List<ScaleSize> issue14() {
        return List.of(
                new ScaleSize("124M", "GPT-2 small (the gpt2-small preset): 12 × d 768, context 1024",
                        new ModelShape(124_439_808L, 12, 768, 1024), 512),
                new ScaleSize("1B", "GPT-2-style 18 × d 2048, context 2048 (1.01B by GPT-2's count)",
                        new ModelShape(1_000_000_000L, 18, 2048, 2048), 512),
                new ScaleSize("10B", "GPT-2-style 48 × d 4096, context 4096 (9.89B by GPT-2's count)",
                        new ModelShape(10_000_000_000L, 48, 4096, 4096), 512),
                new ScaleSize("70B", "LLaMA-2-70B's depth and width, 80 × d 8192, context 4096 (64.9B by GPT-2's count)", new ModelShape(70_000_000_000L, 80, 8192, 4096),
                        1024));
    }

    /** Bytes of the whole model (θ or one pseudo-gradient) through codec {@code spec}: its exact {@link Codec#encodedSize(long)}. */
    public long encodedBytes(String spec) {
        return Codecs.parse(spec).encodedSize(model.params());
    }

    /** Tokens one worker trains per inner step. */
    public long tokensPerStep() {
        return (long) batch * model.context();
    }

    /**
     * Devices of {@code a} one worker needs to hold the model's training state (16 bytes per
     * parameter, {@link ModelShape#trainingStateBytes}): the smallest power of two whose memory does.
     */
    public int devicesPerWorker(Accelerator a) {
        int g = 1;
        while (g * a.memoryGb() * 1e9 < model.trainingStateBytes()) g *= 2;
        return g;
    }

    /**
     * Seconds per inner step of a worker of {@link #devicesPerWorker} devices of {@code a}, their
     * sustained FLOP/s added up (perfect scaling inside a worker: optimistic, so the link it needs
     * is if anything overstated).
     */
    public double secondsPerStep(Accelerator a) {
        int g = devicesPerWorker(a);
        DeviceSpeed one = a.speed();
        return new DeviceSpeed(g * one.sustainedFlops(), g * one.memoryBytes()).secondsPerStep(model, batch);
    }
}
