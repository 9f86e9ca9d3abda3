package org.diloco4j.core.codec;

import java.util.Objects;

/**
 * What an {@link ErrorFeedback} must keep across a checkpoint: the codec it ran with (so a residual
 * is not restored under another codec) and the residual e, one fp32 per value of the fragment.
 */
public record ErrorFeedbackState(String codecSpec, float[] residual) {
    public ErrorFeedbackState {
        Objects.requireNonNull(codecSpec, "codecSpec");
        residual = residual.clone();
    }

    @Override
    public float[] residual() {
        return residual.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorFeedbackState s && s.codecSpec.equals(codecSpec) && java.util.Arrays.equals(s.residual, residual);
    }

    @Override
    public int hashCode() {
        return 31 * codecSpec.hashCode() + java.util.Arrays.hashCode(residual);
    }

    @Override
    public String toString() {
        return "ErrorFeedbackState[" + codecSpec + ", " + residual.length + " values]";
    }
}
