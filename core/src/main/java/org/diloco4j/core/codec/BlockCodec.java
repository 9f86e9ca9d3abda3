package org.diloco4j.core.codec;

/**
 * The 4-bit codecs' common form: a block size, one fp32 scale per block and nibbles laid out as
 * {@link NibbleGroups} says, the codec's own {@link NibbleGroups.BlockRule} deciding what a nibble
 * means.
 */
interface BlockCodec extends Codec {
    /** Values per scale. */
    int block();

    CodecKind kind();

    @Override
    default String name() {
        return kind().configName();
    }

    @Override
    default String spec() {
        return name() + ":block=" + block();
    }

    @Override
    default long encodedSize(long len) {
        return NibbleGroups.encodedSize(block(), len);
    }

    @Override
    default byte[] encode(float[] values, int off, int len) {
        return NibbleGroups.encode(this, kind(), block(), NibbleGroups.rule(kind()), values, off, len);
    }

    @Override
    default void decode(byte[] encoded, float[] out, int off, int len) {
        NibbleGroups.decode(this, kind(), block(), NibbleGroups.rule(kind()), encoded, out, off, len);
    }
}
