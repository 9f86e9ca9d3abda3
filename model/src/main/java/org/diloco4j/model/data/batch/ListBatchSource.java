package org.diloco4j.model.data.batch;

import org.diloco4j.model.data.DataException;

import java.util.List;

/**
 * Cycles through a fixed list of batches: the fake {@link BatchSource} for trainer tests, and a way
 * to train repeatedly on chosen batches (e.g. overfitting one batch as a smoke test).
 */
public final class ListBatchSource implements BatchSource {
    private final List<TokenBatch> batches;
    private long position;

    public ListBatchSource(List<TokenBatch> batches) {
        if (batches.isEmpty()) throw new DataException("a batch list needs at least one batch");
        this.batches = List.copyOf(batches);
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
    public void seek(long position) {
        if (position < 0) throw new IllegalArgumentException("batch position " + position + " must be >= 0");
        this.position = position;
    }
}
