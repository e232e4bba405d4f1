package io.tlsrpt.collector.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of the benchmark mains: {@code --name value} pairs, {@code --flag} alone (when followed by
 * another option or nothing), and positional arguments. Repeated options keep every value ({@link #all}).
 */
final class BenchArgs {
    private final Map<String, List<String>> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    BenchArgs(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--") && a.length() > 2) {
                String name = a.substring(2);
                String value = "true";
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                }
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                positional.add(a);
            }
        }
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    String string(String name, String fallback) {
        List<String> v = options.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name, boolean fallback) {
        String v = string(name, null);
        return v == null ? fallback : !v.equals("false") && !v.equals("no");
    }

    /** {@code --name}, else the positional argument at {@code index} (if >= 0), else the system property, else the fallback. */
    int integer(String name, int index, String property, int fallback) {
        String v = string(name, null);
        if (v == null && index >= 0 && index < positional.size()) {
            v = positional.get(index);
        }
        if (v == null) {
            return Integer.getInteger(property, fallback);
        }
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: " + v);
        }
    }

    double decimal(String name, double fallback) {
        String v = string(name, null);
        return v == null ? fallback : Double.parseDouble(v);
    }
}
