package org.diloco4j.model.testing;

import java.util.List;
import org.diloco4j.model.data.BatchSource;
import org.diloco4j.model.data.TokenBatch;

/** Cycles through a fixed list of batches; the position is the number of batches handed out. */
public final class FixedBatchSource implements BatchSource {
    private final List<TokenBatch> batches;
    private long position;

    public FixedBatchSource(List<TokenBatch> batches) {
        if (batches.isEmpty()) throw new IllegalArgumentException("no batches");
        this.batches = List.copyOf(batches);
    }

    public static FixedBatchSource repeating(TokenBatch batch) {
        return new FixedBatchSource(List.of(batch));
    }

    @Override
    public TokenBatch next() {
        return batches.get((int) (position++ % batches.size()));
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long p) {
        if (p < 0) throw new IllegalArgumentException("position " + p);
        position = p;
    }
}
