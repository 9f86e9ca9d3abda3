package org.diloco4j.core.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.diloco4j.core.params.Fp32Storage;
import org.diloco4j.core.params.Fp32Vector;

/**
 * Takes the arrays out of a state: every {@code float[]} (θ, momenta, accumulators, residuals,
 * parameters) and every {@link Fp32Vector} (the coordinator's θ, in chunks) becomes an F32 tensor, every {@code byte[]} (encoded messages, a generator's state) a
 * U8 tensor and every {@link TensorData} (a trainer's θ_i and moments, in native memory) a tensor
 * of its own dtype, named by its path in the state ({@code coordinator.outer.theta}); the JSON holds
 * the name in its place. On reading, the names are looked up in the file's tensors: arrays are read
 * into new arrays, chunk by chunk; a {@link TensorData} stays in the file until its owner restores
 * it (valid while the checkpoint is open).
 */
final class TensorTable {
    /** Writing: the tensors met so far, in order. */
    final List<SafetensorsWriter.Tensor> out = new ArrayList<>();
    /** Reading: the file's tensors by name. */
    final Map<String, TensorData> in;
    /** Reading: the chunks vectors are read into ({@link #vector}); {@link Fp32Vector#ONE_ARRAY_SHIFT}: one array when it fits. */
    private final int shift;

    TensorTable(Map<String, TensorData> in) {
        this(in, Fp32Vector.ONE_ARRAY_SHIFT);
    }

    TensorTable(Map<String, TensorData> in, int shift) {
        this.in = in;
        this.shift = shift;
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("tensors");
        m.addSerializer(float[].class, new Named<>(float[].class, TensorData::of));
        m.addSerializer(byte[].class, new Named<>(byte[].class, TensorData::of));
        m.addSerializer(TensorData.class, new Named<>(TensorData.class, t -> t));
        m.addSerializer(Fp32Vector.class, new Named<>(Fp32Vector.class, TensorData::of));
        m.addDeserializer(float[].class, new StdDeserializer<>(float[].class) {
            @Override
            public float[] deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return tensor(p, c, Dtype.F32).toFloats();
            }
        });
        m.addDeserializer(Fp32Vector.class, new StdDeserializer<>(Fp32Vector.class) {
            @Override
            public Fp32Vector deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return ((TensorTable) c.getAttribute(TensorTable.class)).vector(tensor(p, c, Dtype.F32));
            }
        });
        m.addDeserializer(byte[].class, new StdDeserializer<>(byte[].class) {
            @Override
            public byte[] deserialize(JsonParser p, DeserializationContext c) throws IOException {
                TensorData t = tensor(p, c, Dtype.U8);
                if (t.bytes() > Integer.MAX_VALUE - 8) throw new IOException("tensor " + p.getValueAsString() + " is larger than one Java array");
                ByteBuffer b = ByteBuffer.allocate((int) t.bytes());
                t.copyTo(0, b);
                return b.array();
            }
        });
        m.addDeserializer(TensorData.class, new StdDeserializer<>(TensorData.class) {
            @Override
            public TensorData deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return tensor(p, c, null);
            }
        });
        return m;
    }

    /**
     * A vector read back: by default one array when the tensor fits one (so a state read from a file
     * is held as the drivers that take θ as one {@code float[]} hold it), chunks of
     * 2^{@link Fp32Vector#DEFAULT_SHIFT} when it does not; in chunks of the reader's shift if it
     * asked for chunks ({@link CheckpointFile.Reader#state(Class, int)}: the network runtime).
     */
    Fp32Vector vector(TensorData t) throws IOException {
        if (shift != Fp32Vector.ONE_ARRAY_SHIFT) return t.toVector(shift);
        if (t.numel() <= Fp32Storage.MAX_VALUES) return Fp32Vector.wrap(t.toFloats());
        return t.toVector(Fp32Vector.DEFAULT_SHIFT);
    }

    /** Writes a value as the name of the tensor it becomes. */
    private static final class Named<T> extends StdSerializer<T> {
        private final Function<T, TensorData> data;

        Named(Class<T> type, Function<T, TensorData> data) {
            super(type);
            this.data = data;
        }

        @Override
        public void serialize(T v, JsonGenerator g, SerializerProvider p) throws IOException {
            TensorTable t = (TensorTable) p.getAttribute(TensorTable.class);
            String name = path(g.getOutputContext());
            t.out.add(new SafetensorsWriter.Tensor(name, data.apply(v)));
            g.writeString(name);
        }
    }

    /** The file's tensor the state names here, checked to be of {@code dtype} (any if null). */
    private static TensorData tensor(JsonParser p, DeserializationContext c, Dtype dtype) throws IOException {
        String name = p.getValueAsString();
        TensorTable t = (TensorTable) c.getAttribute(TensorTable.class);
        TensorData r = name == null ? null : t.in.get(name);
        if (r == null) throw new IOException("the state names tensor '" + name + "', which the file does not hold");
        if (dtype != null && r.dtype() != dtype) throw new IOException("tensor " + name + " is " + r.dtype() + ", expected " + dtype);
        return r;
    }
    /** The dotted path of the value being written: field names and list indices from the root. */
    private static String path(JsonStreamContext ctx) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            // In the innermost array the value is not written yet: its index is the count so far.
            int index = c == ctx ? c.getEntryCount() : c.getCurrentIndex();
            parts.add(c.inArray() ? Integer.toString(index) : c.getCurrentName());
        }
        java.util.Collections.reverse(parts);
        return String.join(".", parts);
    }

    static Map<String, TensorData> none() {
        return new LinkedHashMap<>();
    }
}
