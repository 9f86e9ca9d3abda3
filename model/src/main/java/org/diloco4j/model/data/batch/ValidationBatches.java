package org.diloco4j.model.data.batch;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.token.TokenStream;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed list of validation batches from held-out documents: non-overlapping windows of T+1 tokens
 * at offsets {@code i*T}, spread evenly over the whole validation stream (so every language or file
 * of the split is represented), the same on every call. No randomness is involved.
 */
public final class ValidationBatches {
    private ValidationBatches() {
    }

    public static List<TokenBatch> build(TokenStream stream, int batch, int context, int count) {
        BatchChecks.checkShape(batch, context);
        if (count < 1) throw new DataException("validation batch count " + count + " must be at least 1");
        long windows = stream.length() <= context ? 0 : (stream.length() - 1) / context;
        if (windows < batch) {
            throw new DataException("validation split holds " + String.format("%,d", stream.length())
                    + " tokens, fewer than one batch (" + batch + " x " + context + " + 1 = "
                    + String.format("%,d", (long) batch * context + 1) + "); raise the validation fraction");
        }
        long rows = (long) count * batch;
        if (rows > windows) {
            throw new DataException("validation split holds " + windows / batch + " batches of " + batch + " x "
                    + context + " without overlap; asked for " + count);
        }
        List<TokenBatch> out = new ArrayList<>(count);
        int[] window = new int[context + 1];
        for (int b = 0; b < count; b++) {
            int[] in = new int[batch * context];
            int[] tg = new int[batch * context];
            for (int r = 0; r < batch; r++) {
                long row = (long) b * batch + r;
                long w = Math.floorDiv(row * windows, rows);
                stream.read(w * context, window, 0, context + 1);
                System.arraycopy(window, 0, in, r * context, context);
                System.arraycopy(window, 1, tg, r * context, context);
            }
            out.add(new TokenBatch(batch, context, in, tg));
        }
        return List.copyOf(out);
    }
}
