package org.diloco4j.core.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * Error feedback around a lossy codec (Seide et al. 2014; Karimireddy et al. 2019): whatever a
 * message fails to carry is added to the next one, so over many rounds the sum of decoded messages
 * tracks the sum of inputs and the difference stays bounded by one round's error. Per round:
 * <pre>
 *   x' = x + e;   send m = encode(x');   e ← x' − decode(m)
 * </pre>
 * Stateful: keep one instance per sender and per fragment, and checkpoint it with
 * {@link #state()} / {@link #restore}. Not thread-safe.
 *
 * <p>A message that never reaches θ (lost, rejected or dropped by the coordinator) must not leave
 * its round in the residual: {@link #send} returns, with the message, what the round added to e
 * (δ − decode(m), the part of δ the codec could not carry), and {@link #forget} takes exactly that
 * back out, so the residual again holds only what earlier, applied messages owe (docs/design/
 * ALGORITHMS.md §4). Rounds may be forgotten in any order and after later rounds were sent.
 */
public final class ErrorFeedback {
    private final Codec codec;
    /** e, one fp32 per value of the fragment; holds x' during a round. */
    private final float[] residual;

    public ErrorFeedback(Codec codec, int len) {
        this.codec = Objects.requireNonNull(codec, "codec");
        if (len < 0) throw new IllegalArgumentException("negative fragment length " + len);
        if (codec.encodedSize(len) > Wire.MAX_MESSAGE) {
            throw new IllegalArgumentException(codec.spec() + ": " + len + " values do not fit one message; use smaller fragments");
        }
        this.residual = new float[len];
    }

    public Codec codec() {
        return codec;
    }

    /** Number of values per message. */
    public int length() {
        return residual.length;
    }

    /**
     * One round: encodes {@code values[off, off + length())} plus the carried residual and keeps
     * what the message lost.
     *
     * @throws IllegalArgumentException if x + e is not finite for some value; the residual is then unchanged
     */
    public byte[] encode(float[] values, int off) {
        int n = residual.length;
        Objects.checkFromIndexSize(off, n, values.length);
        // Checked before anything is written, so a bad input does not poison the residual.
        float max = 0f;
        for (int i = 0; i < n; i++) max = Math.max(max, Math.abs(residual[i] + values[off + i]));
        if (!Float.isFinite(max)) throw nonFinite(values, off);
        for (int i = 0; i < n; i++) residual[i] += values[off + i];
        byte[] message = codec.encode(residual, 0, n);
        codec.decodeAdd(message, residual, 0, n, -1f);
        return message;
    }

    /**
     * A message and what its round added to the residual, kept by the sender until it knows whether
     * the message reached θ.
     *
     * @param message what was sent
     * @param carried δ − decode(message): the residual after the round minus the residual before it (up to fp32 rounding)
     */
    public record Sent(byte[] message, float[] carried) {
    }

    /**
     * {@link #encode(float[], int)}, and also what the round carried into the residual, for {@link #forget}.
     *
     * @throws IllegalArgumentException as {@link #encode(float[], int)}; the residual is then unchanged
     */
    public Sent send(float[] values, int off) {
        byte[] message = encode(values, off);
        float[] carried = java.util.Arrays.copyOfRange(values, off, off + residual.length);
        codec.decodeAdd(message, carried, 0, carried.length, -1f);
        return new Sent(message, carried);
    }

    /**
     * The message of {@code round} never reached θ: its round is taken back out of the residual
     * (e ← e − carried), as if it had not been sent. The δ it carried is not re-sent: whether a
     * pseudo-gradient is applied is the coordinator's decision, not the codec's.
     */
    public void forget(Sent round) {
        float[] c = round.carried();
        if (c.length != residual.length) {
            throw new IllegalArgumentException("round of " + c.length + " values, this error feedback holds " + residual.length);
        }
        for (int i = 0; i < c.length; i++) residual[i] -= c[i];
    }

    public byte[] encode(float[] values) {
        if (values.length != residual.length) {
            throw new IllegalArgumentException("got " + values.length + " values, this error feedback holds " + residual.length);
        }
        return encode(values, 0);
    }

    private IllegalArgumentException nonFinite(float[] values, int off) {
        for (int i = 0; i < residual.length; i++) {
            float s = residual[i] + values[off + i];
            if (!Float.isFinite(s)) {
                return new IllegalArgumentException("error feedback (" + codec.spec() + "): value " + i + " is "
                        + values[off + i] + " and with the residual " + residual[i] + " sums to " + s);
            }
        }
        return new IllegalArgumentException("error feedback: non-finite input");
    }

    /** A copy of the residual e. */
    public float[] residual() {
        return residual.clone();
    }

    /** ‖e‖₂, for monitoring how much is being carried. */
    public double residualNorm() {
        double s = 0;
        for (float e : residual) s += (double) e * e;
        return Math.sqrt(s);
    }

    /** Drops the carried residual (e.g. when the fragment was replaced by a fresh global copy). */
    public void reset() {
        Arrays.fill(residual, 0f);
    }

    public ErrorFeedbackState state() {
        return new ErrorFeedbackState(codec.spec(), residual);
    }

    /**
     * Continues from a saved state.
     *
     * @throws IllegalArgumentException if it was saved under another codec, for another length, or holds a non-finite value
     */
    public void restore(ErrorFeedbackState state) {
        if (!state.codecSpec().equals(codec.spec())) {
            throw new IllegalArgumentException("error feedback state was saved with codec '" + state.codecSpec()
                    + "', this one uses '" + codec.spec() + "'");
        }
        float[] r = state.residual();
        if (r.length != residual.length) {
            throw new IllegalArgumentException("error feedback state holds " + r.length + " values, expected " + residual.length);
        }
        for (int i = 0; i < r.length; i++) {
            if (!Float.isFinite(r[i])) throw new IllegalArgumentException("error feedback state: residual " + i + " is " + r[i]);
        }
        System.arraycopy(r, 0, residual, 0, r.length);
    }
}
