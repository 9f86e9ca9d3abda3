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

/**
 * Takes the arrays out of a state: every {@code float[]} (θ, momenta, accumulators, residuals,
 * parameters) becomes an F32 tensor and every {@code byte[]} (encoded messages, a trainer's opaque
 * state) a U8 tensor, named by its path in the state ({@code coordinator.outer.theta}); the JSON
 * holds the name in its place. On reading, the names are looked up in the file's tensors.
 */
final class TensorTable {
    /** Writing: the tensors met so far, in order. */
    final List<SafetensorsWriter.Tensor> out = new ArrayList<>();
    /** Reading: the file's tensors by name. */
    final Map<String, SafetensorsReader.RawTensor> in;

    TensorTable(Map<String, SafetensorsReader.RawTensor> in) {
        this.in = in;
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("tensors");
        m.addSerializer(float[].class, new StdSerializer<>(float[].class) {
            @Override
            public void serialize(float[] v, JsonGenerator g, SerializerProvider p) throws IOException {
                TensorTable t = (TensorTable) p.getAttribute(TensorTable.class);
                String name = path(g.getOutputContext());
                t.out.add(new SafetensorsWriter.F32(name, new long[] {v.length}, v));
                g.writeString(name);
            }
        });
        m.addSerializer(byte[].class, new StdSerializer<>(byte[].class) {
            @Override
            public void serialize(byte[] v, JsonGenerator g, SerializerProvider p) throws IOException {
                TensorTable t = (TensorTable) p.getAttribute(TensorTable.class);
                String name = path(g.getOutputContext());
                t.out.add(new SafetensorsWriter.U8(name, v));
                g.writeString(name);
            }
        });
        m.addDeserializer(float[].class, new StdDeserializer<>(float[].class) {
            @Override
            public float[] deserialize(JsonParser p, DeserializationContext c) throws IOException {
                ByteBuffer b = tensor(p, c, Dtype.F32);
                float[] v = new float[b.remaining() / 4];
                b.asFloatBuffer().get(v);
                return v;
            }
        });
        m.addDeserializer(byte[].class, new StdDeserializer<>(byte[].class) {
            @Override
            public byte[] deserialize(JsonParser p, DeserializationContext c) throws IOException {
                ByteBuffer b = tensor(p, c, Dtype.U8);
                byte[] v = new byte[b.remaining()];
                b.get(v);
                return v;
            }
        });
        return m;
    }

    private static ByteBuffer tensor(JsonParser p, DeserializationContext c, Dtype dtype) throws IOException {
        String name = p.getValueAsString();
        TensorTable t = (TensorTable) c.getAttribute(TensorTable.class);
        SafetensorsReader.RawTensor r = name == null ? null : t.in.get(name);
        if (r == null) throw new IOException("the state names tensor '" + name + "', which the file does not hold");
        if (r.dtype() != dtype) throw new IOException("tensor " + name + " is " + r.dtype() + ", expected " + dtype);
        return r.data().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
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

    static Map<String, SafetensorsReader.RawTensor> none() {
        return new LinkedHashMap<>();
    }
}
