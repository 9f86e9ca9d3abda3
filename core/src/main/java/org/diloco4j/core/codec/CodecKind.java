package org.diloco4j.core.codec;

/**
 * The codec families, with the name used in configs and the id byte written in every message
 * header. Ids are part of the wire format: never renumber, only append.
 */
public enum CodecKind {
    FP32("fp32", 1),
    FP16("fp16", 2),
    BF16("bf16", 3),
    INT8("int8", 4),
    Q4("q4", 5),
    TOPK("topk", 6),
    FP4("fp4", 7);

    private final String configName;
    private final int wireId;

    CodecKind(String configName, int wireId) {
        this.configName = configName;
        this.wireId = wireId;
    }

    /** Name in config strings, e.g. {@code q4} in {@code q4:block=64}. */
    public String configName() {
        return configName;
    }

    /** The id byte of this family in message headers. */
    public int wireId() {
        return wireId;
    }

    /** The family with this config name (case-insensitive), or {@code null}. */
    public static CodecKind ofConfigName(String name) {
        for (CodecKind k : values()) if (k.configName.equalsIgnoreCase(name)) return k;
        return null;
    }

    /** The family with this header id, or {@code null} for an id no codec uses. */
    public static CodecKind ofWireId(int id) {
        for (CodecKind k : values()) if (k.wireId == id) return k;
        return null;
    }

    @Override
    public String toString() {
        return configName;
    }
}
