package org.diloco4j.core.optim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A PyTorch SGD-with-momentum trajectory written by src/test/python/make_nesterov_fixture.py. */
record SgdmFixture(int n, boolean nesterov, float lr, float momentum, float[] theta0, List<Step> steps) {

    /** One optimizer step: the pseudo-gradient fed in, and θ and the momentum buffer after it. */
    record Step(float[] g, float[] theta, float[] buffer) {
    }

    static SgdmFixture load(String resource) throws IOException {
        byte[] bytes;
        try (InputStream in = SgdmFixture.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing test resource " + resource);
            bytes = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("SGDM")) throw new IOException("bad magic in " + resource);
        int version = b.getInt();
        if (version != 1) throw new IOException("fixture version " + version);
        int n = b.getInt();
        int count = b.getInt();
        boolean nesterov = b.getInt() == 1;
        float lr = b.getFloat();
        float momentum = b.getFloat();
        float[] theta0 = floats(b, n);
        List<Step> steps = new ArrayList<>();
        for (int s = 0; s < count; s++) steps.add(new Step(floats(b, n), floats(b, n), floats(b, n)));
        if (b.hasRemaining()) throw new IOException(b.remaining() + " trailing bytes in " + resource);
        return new SgdmFixture(n, nesterov, lr, momentum, theta0, steps);
    }

    private static float[] floats(ByteBuffer b, int n) {
        float[] f = new float[n];
        b.asFloatBuffer().get(f);
        b.position(b.position() + 4 * n);
        return f;
    }
}
