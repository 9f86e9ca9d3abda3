package org.diloco4j.model.data.batch;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.Mix;
import org.diloco4j.model.data.token.TokenStream;

/**
 * Training batches from one shard: every row is a window of T+1 consecutive tokens at a uniformly
 * random offset of the shard's token stream (sampling with replacement, as nanoGPT does); inputs are
 * its first T tokens, targets its last T. Windows may cross document borders, where the model sees
 * end-of-text, but never leave the shard, so validation documents are never trained on.
 *
 * <p>The offset of row r of batch n is a pure function of (seed, n, r): {@link #position()} is the
 * number of batches drawn, and {@link #seek} to it replays exactly the same batches, at O(1) cost.
 */
public final class RandomWindowSource implements BatchSource {
    private final TokenStream stream;
    private final int batch;
    private final int context;
    private final long seed;
    private final int[] window;
    private long position;

    public RandomWindowSource(TokenStream stream, int batch, int context, long seed, String what) {
        BatchChecks.checkShape(batch, context);
        long need = (long) batch * context + 1;
        if (stream.length() < need) {
            throw new DataException(what + " holds " + String.format("%,d", stream.length())
                    + " tokens, fewer than one batch (" + batch + " x " + context + " + 1 = " + String.format("%,d", need)
                    + "); use a larger corpus or shard, fewer workers, or a smaller batch or context");
        }
        this.stream = stream;
        this.batch = batch;
        this.context = context;
        this.seed = seed;
        this.window = new int[context + 1];
    }

    @Override
    public TokenBatch next() {
        int[] in = new int[batch * context];
        int[] tg = new int[batch * context];
        long offsets = stream.length() - context;
        for (int r = 0; r < batch; r++) {
            long at = Mix.below(Mix.hash(seed, position, r), offsets);
            stream.read(at, window, 0, context + 1);
            System.arraycopy(window, 0, in, r * context, context);
            System.arraycopy(window, 1, tg, r * context, context);
        }
        position++;
        return new TokenBatch(batch, context, in, tg);
    }

    /** Batches drawn so far. */
    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long position) {
        if (position < 0) throw new IllegalArgumentException("batch position " + position + " must be >= 0");
        this.position = position;
    }

    /** Tokens in the shard's stream. */
    public long tokens() {
        return stream.length();
    }
}
