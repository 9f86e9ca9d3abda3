package org.diloco4j.model.nativ;

/**
 * A counter of changes to the tensors a {@link NativeF32} view reads: their owner advances it each
 * time they change (a training step, a load or restore, close), and a view taken before refuses to
 * be read after. Without it a state taken, then a step, then the write would silently put later
 * θ_i or moments in the file next to the earlier step count, data position and generators.
 */
public final class Generation {
    private long value;

    /** The current generation: what a view remembers when it is taken. */
    public long now() {
        return value;
    }

    /** The tensors changed (or are about to): every view taken so far is stale. */
    public void advance() {
        value++;
    }
}
