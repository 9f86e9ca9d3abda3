package org.diloco4j.net.bench;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * This JVM's class histogram ({@code jcmd PID GC.class_histogram}, through the DiagnosticCommand
 * bean): a full collection first, so {@link #liveBytes()} is the live heap at that instant, and the
 * classes that hold the most of it.
 *
 * @param liveBytes all live objects
 * @param top       the largest classes, "class bytes" in decreasing order
 */
record HeapHistogram(long liveBytes, List<String> top) {
    static HeapHistogram take(int classes) throws Exception {
        return take(classes, false);
    }

    /**
     * @param all every object, garbage included, without a collection first ({@code -all}): against
     *            the live histogram taken right after, what the heap holds that is not live
     */
    static HeapHistogram take(int classes, boolean all) throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {all ? new String[] {"-all"} : new String[0]}, new String[] {String[].class.getName()});
        return parse(text, classes);
    }

    /** Reads the histogram's text: rows "N: instances bytes class (module)", then "Total instances bytes". */
    static HeapHistogram parse(String text, int classes) {
        long total = -1;
        List<String> top = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) total = Long.parseLong(f[2]);
            if (f.length >= 4 && f[0].endsWith(":") && top.size() < classes) {
                top.add(String.format(Locale.ROOT, "%s %.1f MB", f[3], Long.parseLong(f[2]) / 1e6));
            }
        }
        return new HeapHistogram(total, top);
    }

    /** "class 12.3 MB; class 4.5 MB; …", for a result file's one string field. */
    String summary() {
        return String.join("; ", top);
    }
}
