package org.diloco4j.net.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time read at one instant: this JVM's (all its threads: the coordinator's, gRPC's, GC and JIT),
 * the load JVM's, and the whole machine's busy time, so that a window's figures say what shared the
 * cores. The machine's 1-minute load average rides along.
 *
 * @param selfNanos    process CPU time of this JVM ({@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime})
 * @param loadNanos    process CPU time of the load JVM (its /proc/PID/stat via {@link ProcessHandle.Info}); -1 if unknown
 * @param machineTicks busy time of all cores (/proc/stat: user + nice + system + irq + softirq + steal), in clock ticks; -1 if unknown
 * @param loadAverage  the machine's 1-minute load average; negative if unknown
 */
record CpuClocks(long selfNanos, long loadNanos, long machineTicks, double loadAverage) {
    /** Linux reports /proc/stat in USER_HZ, 100 on every mainstream architecture. */
    static final double TICKS_PER_SECOND = 100;

    static CpuClocks now(ProcessHandle load) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long loadNanos = load == null ? -1 : load.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        return new CpuClocks(os.getProcessCpuTime(), loadNanos, readMachineTicks(), os.getSystemLoadAverage());
    }

    /** CPU-seconds spent between {@code start} and this instant. */
    Spent since(CpuClocks start) {
        return new Spent((selfNanos - start.selfNanos) / 1e9,
                loadNanos < 0 || start.loadNanos < 0 ? Double.NaN : (loadNanos - start.loadNanos) / 1e9,
                machineTicks < 0 || start.machineTicks < 0 ? Double.NaN : (machineTicks - start.machineTicks) / TICKS_PER_SECOND);
    }

    /**
     * CPU-seconds of a window.
     *
     * @param self    this JVM
     * @param load    the load JVM
     * @param machine all processes on the machine; what is left after the two JVMs ran elsewhere (other jobs)
     */
    record Spent(double self, double load, double machine) {
        double others() {
            return machine - self - load;
        }
    }

    private static long readMachineTicks() {
        try {
            // First line: "cpu  user nice system idle iowait irq softirq steal guest guest_nice".
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
            return busy;
        } catch (IOException | RuntimeException e) {
            return -1; // Not Linux.
        }
    }
}
