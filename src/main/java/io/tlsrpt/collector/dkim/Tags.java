package io.tlsrpt.collector.dkim;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A lenient tag=value reader for what is shown about a signature (d=, s=, l=), whether or not jDKIM could parse it.
 * Values are trimmed and folding white space inside becomes one space (so "d=exa mple.com" is not shown, nor
 * aligned, as "example.com"). The first occurrence of a tag wins.
 */
final class Tags {
    private final Map<String, String> values;

    private Tags(Map<String, String> values) {
        this.values = values;
    }

    static Tags parse(String text) {
        Map<String, String> m = new HashMap<>();
        if (text != null) {
            int count = 0;
            for (String part : text.split(";", 64)) {
                if (++count > 64) {
                    break;
                }
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                if (name.isEmpty() || name.length() > 32) {
                    continue;
                }
                String value = part.substring(eq + 1).replaceAll("[\\s]+", " ").strip();
                m.putIfAbsent(name, value);
            }
        }
        return new Tags(m);
    }

    /** The tag's value, null when absent or empty. */
    String get(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
