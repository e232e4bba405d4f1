package io.tlsrpt.collector.records;

import java.net.IDN;
import java.util.Locale;

/**
 * Host-name syntax for names that strangers choose: the domain typed into the check page or named in a report, MX
 * targets, mx patterns, certificate names. Only LDH names made of A-labels are accepted (RFC 1123 §2.1, RFC 5890);
 * a U-label is refused with its A-label form in the message.
 */
public final class DomainNames {

    private DomainNames() {
    }

    /**
     * The name in lower case without its trailing dot.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static String normalize(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return strip(name);
    }

    /** What is wrong with a host name, or null when it is a valid one (at least two labels). */
    public static String problem(String name) {
        if (name == null || name.isBlank()) {
            return "no name given";
        }
        String n = name.trim();
        if (!n.equals(name)) {
            return "the name has spaces around it";
        }
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c > 0x7e) {
                String ascii = aLabels(n);
                return "'" + shorten(n) + "' has non-ASCII characters; use the A-label (Punycode) form"
                        + (ascii != null ? " '" + ascii + "'" : "");
            }
        }
        String s = strip(n);
        if (s.isEmpty()) {
            return "the root '.' is not a domain";
        }
        if (s.length() > 253) {
            return "the name is " + s.length() + " characters long; at most 253 are allowed";
        }
        String[] labels = s.split("\\.", -1);
        if (labels.length < 2) {
            return "'" + shorten(s) + "' is a single label; a domain such as example.com is needed";
        }
        for (int i = 0; i < labels.length; i++) {
            String p = labelProblem(labels[i]);
            if (p != null) {
                return "label " + (i + 1) + " ('" + shorten(labels[i]) + "') " + p;
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return "'" + shorten(s) + "' ends in a numeric label; that is an address, not a domain";
        }
        return null;
    }

    /** What is wrong with one label, or null. */
    static String labelProblem(String label) {
        if (label.isEmpty()) {
            return "is empty (two dots in a row, or a dot at the start)";
        }
        if (label.length() > 63) {
            return "is " + label.length() + " characters long; at most 63 are allowed";
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return "has the character '" + printable(c) + "'; only letters, digits and '-' are allowed";
            }
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            return "starts or ends with '-'";
        }
        if (label.length() >= 4 && label.charAt(2) == '-' && label.charAt(3) == '-') {
            if (!label.regionMatches(true, 0, "xn", 0, 2)) {
                return "has '--' in the third and fourth places, which is reserved (RFC 5891 §4.2.3.1)";
            }
            try {
                String unicode = IDN.toUnicode(label, IDN.USE_STD3_ASCII_RULES);
                if (unicode.equalsIgnoreCase(label)
                        || !IDN.toASCII(unicode, IDN.USE_STD3_ASCII_RULES).equalsIgnoreCase(label)) {
                    return "is not a valid A-label (bad Punycode)";
                }
            } catch (IllegalArgumentException e) {
                return "is not a valid A-label (bad Punycode)";
            }
        }
        return null;
    }

    /** Lower case, one trailing dot removed. */
    static String strip(String name) {
        String s = name.trim().toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String aLabels(String n) {
        try {
            return IDN.toASCII(n, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String shorten(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            b.append(printable(s.charAt(i)));
        }
        return b.length() < s.length() ? b + "..." : b.toString();
    }

    static String printable(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("\\x%02X", (int) c);
        }
        return String.valueOf(c);
    }
}
