package org.diloco4j.model.testing;

import java.util.SplittableRandom;
import org.diloco4j.model.data.batch.BatchSource;
import org.diloco4j.model.data.batch.TokenBatch;

/**
 * Batches of uniformly random tokens; batch i depends only on (seed, i), so position/seek replay
 * exactly.
 */
public final class RandomBatchSource implements BatchSource {
    private final int batch;
    private final int context;
    private final int vocab;
    private final long seed;
    private long position;

    public RandomBatchSource(int batch, int context, int vocab, long seed) {
        this.batch = batch;
        this.context = context;
        this.vocab = vocab;
        this.seed = seed;
    }

    @Override
    public TokenBatch next() {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + position++);
        int[] row = new int[batch * (context + 1)];
        for (int i = 0; i < row.length; i++) row[i] = r.nextInt(vocab);
        int[] in = new int[batch * context], tg = new int[batch * context];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(row, b * (context + 1), in, b * context, context);
            System.arraycopy(row, b * (context + 1) + 1, tg, b * context, context);
        }
        return new TokenBatch(batch, context, in, tg);
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long p) {
        position = p;
    }
}
