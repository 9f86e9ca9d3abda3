package org.diloco4j.net.bench;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This JVM's native memory by category ({@code jcmd PID VM.native_memory summary}, through the
 * DiagnosticCommand bean), committed MB per category: the Java heap, G1's own structures ("GC":
 * mark bitmap, remembered sets, card table), direct buffers ("Other": Netty's pools), threads, code,
 * metaspace. Empty unless the JVM runs with {@code -XX:NativeMemoryTracking=summary}.
 */
final class NativeMemory {
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB");
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB");

    private NativeMemory() {
    }

    /** Category → committed MB, "Total" first; empty without tracking. */
    static Map<String, Double> committedMb() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "vmNativeMemory", new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        return parse(text);
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> mb = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher t = TOTAL.matcher(line.trim());
            if (t.find()) mb.put("Total", Long.parseLong(t.group(1)) * 1024 / 1e6);
            Matcher m = CATEGORY.matcher(line.trim());
            if (m.find() && Long.parseLong(m.group(2)) >= 1024) mb.put(m.group(1).trim(), Long.parseLong(m.group(2)) * 1024 / 1e6);
        }
        return mb;
    }
}
