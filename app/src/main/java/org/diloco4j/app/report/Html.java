package org.diloco4j.app.report;

/** HTML text helpers. */
public final class Html {
    private Html() {
    }

    /**
     * Escapes text for element content and double-quoted attribute values. Control characters other
     * than tab and line breaks (which a model's samples can hold, and which no HTML or XML parser
     * accepts as text) become U+FFFD.
     */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                case '\t', '\n', '\r' -> null;
                default -> c < 0x20 || c == '\uFFFE' || c == '\uFFFF' ? "\uFFFD" : null;
            };
            if (r != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (r != null) {
                    b.append(r);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
