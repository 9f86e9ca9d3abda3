package org.diloco4j.model.data.token;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * GPT-2 byte-pair encoding ({@code r50k_base}, vocab 50,257) through jtokkit, pure Java and offline.
 * Text is encoded with {@code encodeOrdinary}, so a literal {@code <|endoftext|>} in a document is
 * ordinary text (jtokkit's {@code encode} would throw on it); the corpus adds id 50256 itself.
 * Thread-safe: jtokkit encodings are immutable.
 */
public final class Gpt2Tokenizer implements Tokenizer {
    public static final String NAME = "gpt2";
    public static final int END_OF_TEXT = 50256;
    private static final int VOCAB = 50257;
    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    /** Bytes of each id: byte-level BPE maps every id to a fixed byte string. Built on first use. */
    private static volatile int[] byteLengths;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int vocabSize() {
        return VOCAB;
    }

    @Override
    public int endOfText() {
        return END_OF_TEXT;
    }

    @Override
    public int[] encode(String text) {
        return ENCODING.encodeOrdinary(text).toArray();
    }

    @Override
    public int byteLength(int token) {
        if (token < 0 || token >= VOCAB) throw new IllegalArgumentException("gpt2 token " + token + " outside [0, " + VOCAB + ")");
        return token == END_OF_TEXT ? 1 : lengths()[token];
    }

    private static int[] lengths() {
        int[] l = byteLengths;
        if (l == null) {
            l = new int[VOCAB];
            IntArrayList one = new IntArrayList(1);
            one.add(0);
            for (int t = 0; t < END_OF_TEXT; t++) {
                one.set(0, t);
                l[t] = ENCODING.decodeBytes(one).length;
            }
            byteLengths = l;
        }
        return l;
    }

    @Override
    public String decode(int[] tokens) {
        IntArrayList list = new IntArrayList(tokens.length);
        for (int t : tokens) {
            if (t < 0 || t >= VOCAB) throw new IllegalArgumentException("gpt2 token " + t + " outside [0, " + VOCAB + ")");
            list.add(t);
        }
        return ENCODING.decode(list);
    }
}
