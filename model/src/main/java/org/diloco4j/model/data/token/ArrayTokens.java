package org.diloco4j.model.data.token;

/** Tokens held in an {@code int[]}: the in-memory fake of {@link TokenArray}. */
public final class ArrayTokens implements TokenArray {
    private final int[] tokens;

    public ArrayTokens(int[] tokens) {
        this.tokens = tokens.clone();
    }

    @Override
    public long size() {
        return tokens.length;
    }

    @Override
    public int get(long index) {
        return tokens[Math.toIntExact(index)];
    }

    @Override
    public void copy(long from, int[] dst, int off, int len) {
        System.arraycopy(tokens, Math.toIntExact(from), dst, off, len);
    }
}
