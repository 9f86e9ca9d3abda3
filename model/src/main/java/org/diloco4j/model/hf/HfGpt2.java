package org.diloco4j.model.hf;

import org.diloco4j.core.io.NamedTensor;
import org.diloco4j.core.io.SafetensorsException;
import org.diloco4j.core.io.SafetensorsReader;
import org.diloco4j.core.io.SafetensorsWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.diloco4j.core.params.ParamSpec;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptLayout;

/**
 * diloco4j's flat θ to and from a Hugging Face GPT-2 model.safetensors (names and orientation in
 * {@link HfGpt2Layout}). Export writes exactly the model's tensors; import accepts what HF's own
 * files hold besides: names with or without the {@code transformer.} prefix (the hub's gpt2 file
 * has none, save_pretrained adds it), the attention-mask buffers {@code attn.bias} and
 * {@code attn.masked_bias} (ignored: they are constants, not parameters), and an
 * {@code lm_head.weight} equal to wte (a tied head written out).
 */
public final class HfGpt2 {
    private static final String PREFIX = "transformer.";
    private static final String HEAD = "lm_head.weight";
    private static final Pattern MASK_BUFFER = Pattern.compile("transformer\\.h\\.\\d+\\.attn\\.(bias|masked_bias)");
    /** Missing or unexpected tensors named in one error line; the rest are counted. */
    private static final int LISTED = 4;

    private HfGpt2() {
    }

    /** θ as HF's tensors, in module order. */
    public static List<NamedTensor> tensors(GptConfig c, float[] theta) {
        List<HfParam> layout = HfGpt2Layout.of(c);
        if (theta.length != GptLayout.of(c).size()) {
            throw new IllegalArgumentException("θ has " + theta.length + " values; " + c + " has " + GptLayout.of(c).size());
        }
        List<NamedTensor> out = new ArrayList<>(layout.size());
        for (HfParam p : layout) {
            ParamSpec s = p.ours();
            float[] v = Arrays.copyOfRange(theta, s.range().arrayStart(), s.range().arrayEnd());
            out.add(new NamedTensor(p.name(), p.shape(), p.transposed() ? transpose(v, s.shape()[0], s.shape()[1]) : v));
        }
        return out;
    }

    /** Writes θ as model.safetensors to {@code out}. */
    public static void write(OutputStream out, GptConfig c, float[] theta) throws IOException {
        SafetensorsWriter.write(out, tensors(c, theta));
    }

    /**
     * θ of model {@code c} from an HF GPT-2 safetensors file; the exception names the file and the
     * tensor at fault. The head count is in no tensor's shape: a config.json beside the file, if
     * there is one, must agree with {@code c} on it.
     */
    public static float[] read(Path file, GptConfig c) throws IOException {
        HfGpt2Config.requireHeads(file.resolveSibling(HfGpt2Config.FILE), c);
        // The mask buffers are not read at all: they are large (T × T per block), and may be of any dtype.
        Map<String, NamedTensor> tensors;
        try {
            tensors = SafetensorsReader.read(file, name -> !MASK_BUFFER.matcher(canonicalName(name)).matches());
        } catch (SafetensorsException e) {
            throw new HfFormatException(e.getMessage());
        }
        try {
            return theta(c, tensors);
        } catch (HfFormatException e) {
            throw new HfFormatException(file + ": " + e.getMessage());
        }
    }

    /** θ of model {@code c} from HF's tensors, checked to be exactly that model's. */
    private static float[] theta(GptConfig c, Map<String, NamedTensor> tensors) throws HfFormatException {
        Map<String, NamedTensor> all = canonical(tensors);
        Map<String, NamedTensor> left = new LinkedHashMap<>(all);
        float[] theta = new float[GptLayout.of(c).arraySize()];
        List<String> missing = new ArrayList<>();
        for (HfParam p : HfGpt2Layout.of(c)) {
            NamedTensor t = left.remove(p.name());
            if (t == null) {
                missing.add(p.name());
                continue;
            }
            if (!Arrays.equals(t.shape(), p.shape())) {
                throw new HfFormatException("tensor " + p.name() + " has shape " + Arrays.toString(t.shape()) + "; the configured model ("
                        + describe(c) + ") needs " + Arrays.toString(p.shape()));
            }
            ParamSpec s = p.ours();
            float[] v = p.transposed() ? transpose(t.data(), s.shape()[1], s.shape()[0]) : t.data();
            System.arraycopy(v, 0, theta, s.range().arrayStart(), s.range().arrayLength());
        }
        if (!missing.isEmpty()) throw new HfFormatException("missing tensor" + (missing.size() > 1 ? "s " : " ") + list(missing)
                + " that the configured model (" + describe(c) + ") has");
        NamedTensor head = left.remove(HEAD);
        NamedTensor wte = all.get(PREFIX + "wte.weight");
        if (head != null && !(Arrays.equals(head.shape(), wte.shape()) && Arrays.equals(head.data(), wte.data()))) {
            throw new HfFormatException(HEAD + " differs from " + PREFIX + "wte.weight: diloco4j's output head is the token embedding"
                    + " (tied), so it can only start from a model whose head is tied");
        }
        if (!left.isEmpty()) throw new HfFormatException("unexpected tensor" + (left.size() > 1 ? "s " : " ") + list(left.keySet())
                + " that the configured model (" + describe(c) + ") does not have");
        return theta;
    }

    /** Names as save_pretrained writes them (with the prefix), without the mask buffers. */
    private static Map<String, NamedTensor> canonical(Map<String, NamedTensor> tensors) throws HfFormatException {
        Map<String, NamedTensor> out = new LinkedHashMap<>();
        for (NamedTensor t : tensors.values()) {
            String name = canonicalName(t.name());
            if (MASK_BUFFER.matcher(name).matches()) continue;
            if (out.put(name, t) != null) throw new HfFormatException("holds tensor " + name + " twice, with and without the prefix " + PREFIX);
        }
        return out;
    }

    private static String canonicalName(String name) {
        return name.startsWith(PREFIX) || name.equals(HEAD) ? name : PREFIX + name;
    }

    /** The (cols, rows) transpose of a row-major (rows, cols) matrix. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) t[k * rows + r] = m[r * cols + k];
        }
        return t;
    }

    private static String describe(GptConfig c) {
        return "vocab " + c.vocabSize() + ", " + c.layers() + " layers, d_model " + c.dModel() + ", context " + c.context();
    }

    private static String list(Collection<String> names) {
        List<String> l = List.copyOf(names);
        String shown = String.join(", ", l.subList(0, Math.min(LISTED, l.size())));
        return l.size() > LISTED ? shown + " and " + (l.size() - LISTED) + " more" : shown;
    }
}
