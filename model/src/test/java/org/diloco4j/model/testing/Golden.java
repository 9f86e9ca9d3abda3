package org.diloco4j.model.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Properties;

/** Reads the fixtures under src/test/resources/golden (written by src/test/python). */
public final class Golden {
    private Golden() {
    }

    public static Properties properties(String name) {
        Properties p = new Properties();
        try (InputStream in = open(name)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static double[] doubles(Properties p, String key) {
        return Arrays.stream(p.getProperty(key).split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    public static float[] floats(String name) {
        ByteBuffer b = bytes(name);
        float[] a = new float[b.remaining() / 4];
        b.asFloatBuffer().get(a);
        return a;
    }

    public static int[] ints(String name) {
        ByteBuffer b = bytes(name);
        int[] a = new int[b.remaining() / 4];
        b.asIntBuffer().get(a);
        return a;
    }

    private static ByteBuffer bytes(String name) {
        try (InputStream in = open(name)) {
            return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = Golden.class.getResourceAsStream("/golden/" + name);
        if (in == null) throw new IllegalStateException("missing fixture golden/" + name + "; run src/test/python/make_gpt_fixture.py");
        return in;
    }
}
