package org.diloco4j.core.codec;

/** Fixed-width unsigned integers packed least-significant bit first, as top-k sends its indices. */
final class BitPacking {
    private BitPacking() {}

    /** Bytes taken by {@code n} values of {@code bits} bits. */
    static long bytes(long n, int bits) {
        return (n * bits + 7) >>> 3;
    }

    /** Bits needed for any index below {@code n}: ⌈log2 n⌉, 0 when n ≤ 1. */
    static int bitsFor(long n) {
        return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    static void pack(int[] values, int n, int bits, byte[] out, int pos) {
        if (bits == 0) return;
        long acc = 0;
        int fill = 0;
        int p = pos;
        for (int i = 0; i < n; i++) {
            acc |= (long) values[i] << fill;
            fill += bits;
            while (fill >= 8) {
                out[p++] = (byte) acc;
                acc >>>= 8;
                fill -= 8;
            }
        }
        if (fill > 0) out[p] = (byte) acc;
    }

    /**
     * Reads {@code n} values of {@code bits} bits from {@code pos}.
     *
     * @return false if the unused high bits of the last byte are not zero
     */
    static boolean unpack(byte[] in, int pos, int n, int bits, int[] values) {
        if (bits == 0) {
            java.util.Arrays.fill(values, 0, n, 0);
            return true;
        }
        long mask = (1L << bits) - 1;
        long acc = 0;
        int fill = 0;
        int p = pos;
        for (int i = 0; i < n; i++) {
            while (fill < bits) {
                acc |= (long) (in[p++] & 0xFF) << fill;
                fill += 8;
            }
            values[i] = (int) (acc & mask);
            acc >>>= bits;
            fill -= bits;
        }
        return acc == 0;
    }
}
