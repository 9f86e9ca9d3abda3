package org.diloco4j.app.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model size by name ({@code model.preset}): the values it gives the model keys a config leaves
 * unset. An explicit key — in the file, a {@code --set}, a sweep axis — always wins over the preset
 * ({@link RunConfig} applies a preset only to keys nobody gave). {@code tiny} is exactly the
 * defaults the showcase run has always had, so a config without a preset runs as before.
 */
public enum ModelPreset {
    /** 4 layers × d 128, context 128: 842k parameters with byte tokens (the showcase run). */
    TINY("tiny", 4, 128, 4, 128, null),
    /** 8 layers × d 512, context 256: 25.2M parameters in its blocks (25.5M with byte tokens, 51.1M with GPT-2's). */
    SMALL("small", 8, 512, 8, 256, null),
    /** GPT-2 small, 124M: 12 layers × d 768, 12 heads, context 1024, GPT-2 BPE tokens. */
    GPT2_SMALL("gpt2-small", 12, 768, 12, 1024, "gpt2");

    public static final String KEY = "model.preset";

    private final String label;
    private final Map<String, Object> settings;

    ModelPreset(String label, int layers, int dModel, int heads, int context, String tokenizer) {
        this.label = label;
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("model.layers", layers);
        v.put("model.d_model", dModel);
        v.put("model.heads", heads);
        v.put("model.context", context);
        if (tokenizer != null) v.put("data.tokenizer", tokenizer);
        this.settings = java.util.Collections.unmodifiableMap(v);
    }

    public String label() {
        return label;
    }

    /** The keys this preset sets, with their values (already of the key's type). */
    public Map<String, Object> settings() {
        return settings;
    }

    /** The preset a (validated) {@code model.preset} value names. */
    public static ModelPreset parse(String text) {
        for (ModelPreset p : values()) if (p.label.equals(text.strip().toLowerCase(Locale.ROOT))) return p;
        throw ConfigException.bad(KEY, text, "allowed: " + String.join(", ", labels()));
    }

    public static List<String> labels() {
        return Arrays.stream(values()).map(ModelPreset::label).toList();
    }
}
