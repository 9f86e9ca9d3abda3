package org.diloco4j.model.hf;

import org.diloco4j.core.io.NamedTensor;
import org.diloco4j.core.io.SafetensorsReader;
import org.diloco4j.core.io.SafetensorsWriter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What import accepts besides the exact export, and the one-line error for each file it cannot use. */
class HfGpt2ImportTest {
    private static final GptConfig TINY = new GptConfig(16, 1, 8, 2, 4);

    @TempDir
    Path tmp;

    @Test
    void exportThenImportGivesTheSameTheta() throws IOException {
        float[] theta = random(TINY, 1);
        assertThat(HfGpt2.read(save("m", HfGpt2.tensors(TINY, theta)), TINY)).isEqualTo(theta);
    }

    @Test
    void matricesAreStoredInByOut() {
        float[] theta = random(TINY, 2);
        var fc = GptLayout.of(TINY).get("blocks.0.mlp.fc.weight");               // ours (4C, C) = (out, in)
        NamedTensor hf = named(HfGpt2.tensors(TINY, theta), "transformer.h.0.mlp.c_fc.weight");
        assertThat(hf.shape()).containsExactly(8, 32);                           // HF's Conv1D (in, out)
        int out = 5, in = 3;
        assertThat(hf.data()[in * 32 + out]).isEqualTo(theta[fc.range().arrayStart() + out * 8 + in]);
    }

    @Test
    void acceptsTheHubsNamesMaskBuffersAndATiedHead() throws IOException {
        float[] theta = random(TINY, 3);
        List<NamedTensor> hub = new ArrayList<>();
        for (NamedTensor t : HfGpt2.tensors(TINY, theta)) hub.add(rename(t, t.name().substring("transformer.".length())));
        hub.add(new NamedTensor("h.0.attn.bias", new long[] {1, 1, 4, 4}, new float[16]));
        hub.add(new NamedTensor("h.0.attn.masked_bias", new long[] {}, new float[] {-1e4f}));
        hub.add(rename(named(hub, "wte.weight"), "lm_head.weight"));
        assertThat(HfGpt2.read(save("hub", hub), TINY)).isEqualTo(theta);
    }

    /** Older transformers saved the causal mask as BOOL or U8, which no model tensor can be: it is skipped unread. */
    @Test
    void maskBuffersOfAnyDtypeAreSkipped() throws IOException {
        float[] theta = random(TINY, 10);
        Path f = save("bool-mask", HfGpt2.tensors(TINY, theta));
        byte[] b = Files.readAllBytes(f);
        int n = (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) new ObjectMapper().readTree(Arrays.copyOfRange(b, 8, 8 + n));
        int data = b.length - 8 - n;
        header.putObject("transformer.h.0.attn.bias").put("dtype", "BOOL").putPOJO("shape", new int[] {1, 1, 4, 4})
                .putPOJO("data_offsets", new int[] {data, data + 16});
        byte[] tail = new byte[16];
        Arrays.fill(tail, (byte) 1);
        byte[] all = ByteBuffer.allocate(data + 16).put(b, 8 + n, data).put(tail).array();
        Files.write(f, raw(new ObjectMapper().writeValueAsString(header), all));
        assertThat(HfGpt2.read(f, TINY)).isEqualTo(theta);
        // Read as a plain safetensors file, the BOOL tensor is refused by name.
        assertThatThrownBy(() -> SafetensorsReader.read(f)).hasMessage(f + ": tensor transformer.h.0.attn.bias is BOOL;"
                + " only F32, F16 and BF16 can be read");
    }

    @Test
    void aConfigJsonBesideTheFileMustAgreeOnTheHeads() throws IOException {
        float[] theta = random(TINY, 11);
        Path f = save("model", HfGpt2.tensors(TINY, theta));
        Path config = Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_head\": 4}");
        assertThatThrownBy(() -> HfGpt2.read(f, TINY)).isInstanceOf(HfFormatException.class)
                .hasMessage(config + " says n_head 4; the configured model has 2 heads");
        Files.writeString(config, "{\"model_type\": \"gpt2\", \"n_head\": 2}");
        assertThat(HfGpt2.read(f, TINY)).isEqualTo(theta);
    }

    @Test
    void aHeadThatIsNotTheEmbeddingIsRefused() throws IOException {
        List<NamedTensor> t = new ArrayList<>(HfGpt2.tensors(TINY, random(TINY, 4)));
        NamedTensor wte = named(t, "transformer.wte.weight");
        float[] head = wte.data().clone();
        head[7] += 1e-3f;
        t.add(new NamedTensor("lm_head.weight", wte.shape(), head));
        Path f = save("untied", t);
        assertThatThrownBy(() -> HfGpt2.read(f, TINY)).isInstanceOf(HfFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("lm_head.weight differs from transformer.wte.weight");
    }

    @Test
    void aTensorOfTheWrongShapeIsNamedWithBothShapes() throws IOException {
        List<NamedTensor> t = new ArrayList<>(HfGpt2.tensors(TINY, random(TINY, 5)));
        int i = t.indexOf(named(t, "transformer.h.0.attn.c_attn.weight"));
        t.set(i, new NamedTensor(t.get(i).name(), new long[] {24, 8}, t.get(i).data()));   // stored (out, in): not transposed
        Path f = save("shape", t);
        assertThatThrownBy(() -> HfGpt2.read(f, TINY)).isInstanceOf(HfFormatException.class)
                .hasMessage(f + ": tensor transformer.h.0.attn.c_attn.weight has shape [24, 8]; the configured model"
                        + " (vocab 16, 1 layers, d_model 8, context 4) needs [8, 24]");
    }

    @Test
    void missingTensorsAreNamed() throws IOException {
        List<NamedTensor> t = new ArrayList<>(HfGpt2.tensors(TINY, random(TINY, 6)));
        t.remove(named(t, "transformer.h.0.mlp.c_proj.bias"));
        Path f = save("missing", t);
        assertThatThrownBy(() -> HfGpt2.read(f, TINY)).hasMessageContaining(f + ": missing tensor transformer.h.0.mlp.c_proj.bias ");
    }

    @Test
    void tensorsOfALargerModelAreNamed() throws IOException {
        GptConfig twoLayers = new GptConfig(16, 2, 8, 2, 4);
        Path f = save("deeper", HfGpt2.tensors(twoLayers, random(twoLayers, 7)));
        assertThatThrownBy(() -> HfGpt2.read(f, TINY))
                .hasMessageContaining("unexpected tensors transformer.h.1.ln_1.weight, transformer.h.1.ln_1.bias, ")
                .hasMessageContaining(" and 8 more that the configured model (vocab 16, 1 layers,");
    }

    @Test
    void aTruncatedFileIsNamed() throws IOException {
        Path f = save("whole", HfGpt2.tensors(TINY, random(TINY, 8)));
        byte[] b = Files.readAllBytes(f);
        Path cut = Files.write(tmp.resolve("cut.safetensors"), Arrays.copyOf(b, b.length - 10));
        assertThatThrownBy(() -> HfGpt2.read(cut, TINY)).isInstanceOf(HfFormatException.class)
                .hasMessageContaining(cut.toString()).hasMessageContaining("truncated");
    }

    @Test
    void aHeaderLengthBeyondTheFileIsNamed() throws IOException {
        Path f = save("long", HfGpt2.tensors(TINY, random(TINY, 9)));
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length);
        Files.write(f, b);
        assertThatThrownBy(() -> HfGpt2.read(f, TINY)).isInstanceOf(HfFormatException.class)
                .hasMessage(f + " says its header is " + b.length + " bytes long, but the file has " + (b.length - 8)
                        + " after the length field: it is truncated or not a safetensors file");
    }

    @Test
    void aFileThatIsNotSafetensorsIsNamed() throws IOException {
        Path tiny = Files.write(tmp.resolve("tiny.safetensors"), new byte[3]);
        assertThatThrownBy(() -> HfGpt2.read(tiny, TINY)).hasMessage(tiny + " is 3 bytes long, too short for a safetensors file");
        Path text = Files.write(tmp.resolve("text.safetensors"), raw("not json"));
        assertThatThrownBy(() -> HfGpt2.read(text, TINY)).hasMessageContaining(text + " has a header that is not valid JSON");
    }

    @Test
    void halfPrecisionIsWidenedExactlyAndOtherTypesAreRefused() throws IOException {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f))
                .putShort((short) (Float.floatToRawIntBits(0.375f) >>> 16)).putShort((short) (Float.floatToRawIntBits(-3f) >>> 16)).array();
        Path half = Files.write(tmp.resolve("half.safetensors"), raw("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[4,8]}}", data));
        var read = SafetensorsReader.read(half);
        assertThat(read.get("a").data()).containsExactly(1.5f, -2f);
        assertThat(read.get("b").data()).containsExactly(0.375f, -3f);
        assertThat(read.get("b").shape()).containsExactly(1, 2);

        Path ints = Files.write(tmp.resolve("ints.safetensors"), raw("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]));
        assertThatThrownBy(() -> SafetensorsReader.read(ints)).hasMessage(ints + ": tensor a is I64; only F32, F16 and BF16 can be read");
    }

    @Test
    void offsetsThatDoNotTileTheDataAreRefused() throws IOException {
        Path gap = Files.write(tmp.resolve("gap.safetensors"), raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]));
        assertThatThrownBy(() -> SafetensorsReader.read(gap)).hasMessage(gap + ": tensor a starts at byte 4 of the data, expected 0");
        Path wrong = Files.write(tmp.resolve("wrong.safetensors"), raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]));
        assertThatThrownBy(() -> SafetensorsReader.read(wrong)).hasMessageContaining(": tensor a of shape [3] (F32) has data_offsets [0,8]");
    }

    private Path save(String name, List<NamedTensor> tensors) throws IOException {
        Path f = tmp.resolve(name + ".safetensors");
        try (OutputStream out = Files.newOutputStream(f)) {
            SafetensorsWriter.write(out, tensors);
        }
        return f;
    }

    /** A safetensors file with the given header and data, padded as the format asks. */
    private static byte[] raw(String header, byte[] data) {
        byte[] h = (header + " ".repeat(-header.length() & 7)).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).put(data).array();
    }

    private static byte[] raw(String header) {
        return raw(header, new byte[0]);
    }

    private static NamedTensor named(List<NamedTensor> tensors, String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static NamedTensor rename(NamedTensor t, String name) {
        return new NamedTensor(name, t.shape(), t.data());
    }

    private static float[] random(GptConfig c, long seed) {
        Random r = new Random(seed);
        float[] theta = new float[GptLayout.of(c).arraySize()];
        for (int i = 0; i < theta.length; i++) theta[i] = (float) r.nextGaussian();
        return theta;
    }
}
