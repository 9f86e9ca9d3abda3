package org.diloco4j.model.data.batch;

import org.diloco4j.model.data.DataException;

/** Validation of batch shapes shared by the batch sources. */
public final class BatchChecks {
    private BatchChecks() {
    }

    public static void checkShape(int batch, int context) {
        if (batch < 1) throw new DataException("batch size " + batch + " must be at least 1");
        if (context < 1) throw new DataException("context length " + context + " must be at least 1");
        if ((long) batch * context > Integer.MAX_VALUE) {
            throw new DataException("batch " + batch + " x context " + context + " exceeds " + Integer.MAX_VALUE + " tokens");
        }
    }
}
