package io.tlsrpt.collector.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A forgiving parameter-list parser, used only when Angus's strict one throws. It accepts what Angus refuses:
 * empty parameters ({@code charset=utf-8;; format=flowed}), unquoted values with spaces
 * ({@code filename=a b.json}, as Apple Mail writes; RFC 2045 §5.1 wants them quoted), and an unterminated quoted
 * string (taken to the end). It still decodes RFC 2231 values and joins their continuations.
 */
final class LenientParameters {

    /** {@code name*0}, {@code name*0*}: one section of an RFC 2231 §3 continued value. */
    private static final Pattern SECTION = Pattern.compile("(.+?)\\*(\\d{1,3})(\\*?)");

    private record Section(String value, boolean encoded) {
    }

    private LenientParameters() {
    }

    /** Parameters of {@code text}, the rest of a header value after its first ';', by lower-case name. */
    static Map<String, String> parse(String text) {
        Map<String, String> params = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, Section>> continued = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int semi = indexOfUnquoted(text, i);
            int eq = text.indexOf('=', i);
            if (eq < 0 || eq > semi) {
                i = semi + 1; // empty parameter, or one without '=': skip it
                continue;
            }
            String name = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            String value = unquote(text.substring(eq + 1, semi).trim());
            i = semi + 1;
            Matcher section = SECTION.matcher(name);
            if (section.matches()) {
                continued.computeIfAbsent(section.group(1), k -> new TreeMap<>())
                        .putIfAbsent(Integer.parseInt(section.group(2)),
                                new Section(value, !section.group(3).isEmpty()));
            } else if (name.endsWith("*")) {
                params.put(name.substring(0, name.length() - 1), decodeExtended(value));
            } else if (!name.isEmpty()) {
                params.putIfAbsent(name, value);
            }
        }
        continued.forEach((name, sections) -> params.putIfAbsent(name, join(sections)));
        return params;
    }

    /** RFC 2231 §4.1: the first section names the charset; encoded sections are percent-encoded in it. */
    private static String join(TreeMap<Integer, Section> sections) {
        StringBuilder out = new StringBuilder();
        Charset charset = StandardCharsets.UTF_8;
        for (Map.Entry<Integer, Section> entry : sections.entrySet()) {
            Section section = entry.getValue();
            String value = section.value();
            if (entry.getKey() == 0 && section.encoded()) {
                int second = secondQuote(value);
                if (second >= 0) {
                    charset = charset(value.substring(0, value.indexOf('\'')));
                    value = value.substring(second + 1);
                }
            }
            out.append(section.encoded() ? percentDecode(value, charset) : value);
        }
        return out.toString();
    }

    /** RFC 2231 §4: {@code charset'language'percent-encoded}. */
    private static String decodeExtended(String value) {
        int second = secondQuote(value);
        if (second < 0) {
            return percentDecode(value, StandardCharsets.UTF_8);
        }
        return percentDecode(value.substring(second + 1), charset(value.substring(0, value.indexOf('\''))));
    }

    private static int secondQuote(String value) {
        int first = value.indexOf('\'');
        return first < 0 ? -1 : value.indexOf('\'', first + 1);
    }

    private static String percentDecode(String value, Charset charset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && hex(value.charAt(i + 1)) >= 0 && hex(value.charAt(i + 2)) >= 0) {
                out.write(hex(value.charAt(i + 1)) << 4 | hex(value.charAt(i + 2)));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(charset);
    }

    private static Charset charset(String name) {
        try {
            return name.isBlank() ? StandardCharsets.UTF_8 : Charset.forName(name.trim());
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** A quoted string loses its quotes and backslash escapes; an unterminated one runs to the end. */
    private static String unquote(String value) {
        if (!value.startsWith("\"")) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < value.length()) {
                c = value.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Index of the next ';' that is not inside a quoted string, or the length of the text. */
    private static int indexOfUnquoted(String text, int from) {
        boolean quoted = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                return i;
            }
        }
        return text.length();
    }
}
