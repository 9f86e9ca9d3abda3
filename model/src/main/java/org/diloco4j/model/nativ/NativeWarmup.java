package org.diloco4j.model.nativ;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads libtorch once and runs one small op, so that JavaCPP's native cache
 * ({@code ~/.javacpp/cache}) is extracted before anything else needs it. The very first load into
 * an empty cache has crashed once; the model module's build runs this in a forked JVM before its
 * tests (exec-maven-plugin, phase process-test-classes), and CI images can run it once too.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp <classpath> org.diloco4j.model.nativ.NativeWarmup}
 */
public final class NativeWarmup {
    private NativeWarmup() {
    }

    public static void main(String[] args) throws java.io.IOException {
        long t0 = System.nanoTime();
        NativeTorch.load();
        try (Tensor a = torch.ones(4, 4); Tensor b = a.matmul(a)) {
            float sum = b.sum().item_float();
            if (sum != 64f) throw new IllegalStateException("libtorch sanity check failed: sum " + sum + " != 64");
        }
        System.out.printf("libtorch ready in %.1f s (cache %s; %s)%n", (System.nanoTime() - t0) / 1e9,
                Loader.getCacheDir(), NativeTorch.describe());
    }
}
