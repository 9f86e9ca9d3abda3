package org.diloco4j.model.data.token;

import org.diloco4j.model.data.text.DocumentTable;

import java.util.Arrays;

/**
 * A set of documents seen as one token sequence: their token ranges concatenated in document order
 * (each already ends with end-of-text). Adjacent ranges are merged, so a shard of consecutive
 * documents is one segment. Immutable and thread-safe.
 */
public final class TokenStream {
    private final TokenArray tokens;
    private final long[] segStart;
    private final long[] segLen;
    private final long[] cum;
    private final long length;

    public TokenStream(TokenArray tokens, DocumentTable table, int[] docs) {
        this.tokens = tokens;
        long[] s = new long[docs.length];
        long[] l = new long[docs.length];
        int n = 0;
        for (int d : docs) {
            if (n > 0 && s[n - 1] + l[n - 1] == table.start(d)) {
                l[n - 1] += table.tokens(d);
            } else {
                s[n] = table.start(d);
                l[n] = table.tokens(d);
                n++;
            }
        }
        segStart = Arrays.copyOf(s, n);
        segLen = Arrays.copyOf(l, n);
        cum = new long[n + 1];
        for (int i = 0; i < n; i++) cum[i + 1] = cum[i] + segLen[i];
        length = cum[n];
    }

    public long length() {
        return length;
    }

    /** Copies stream tokens {@code [from, from+len)} into {@code dst[off...]}, across segment borders. */
    public void read(long from, int[] dst, int off, int len) {
        if (from < 0 || len < 0 || from + len > length) {
            throw new IndexOutOfBoundsException("stream tokens [" + from + ", " + (from + len) + ") of " + length);
        }
        int seg = Arrays.binarySearch(cum, from);
        if (seg < 0) seg = -seg - 2;
        while (seg + 1 < cum.length && cum[seg + 1] <= from) seg++;
        long pos = from;
        int o = off;
        int left = len;
        while (left > 0) {
            long within = pos - cum[seg];
            int n = (int) Math.min(left, segLen[seg] - within);
            tokens.copy(segStart[seg] + within, dst, o, n);
            pos += n;
            o += n;
            left -= n;
            seg++;
        }
    }
}
