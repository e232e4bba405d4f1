package io.tlsrpt.collector.records;

import java.util.ArrayList;
import java.util.List;

/**
 * A problem a parser found, with the key that decides which check reports it ("rua", "id", "max_age",
 * "line-endings", "syntax", ...) and the advice that goes with it.
 */
record Issue(String key, boolean error, String message, String fix) {

    /** Collects issues, at most {@link #MAX} of them (a huge record must not make a huge list). */
    static final class Collector {
        static final int MAX = 50;
        private final List<Issue> issues = new ArrayList<>();
        private int dropped;

        void error(String key, String message, String fix) {
            add(new Issue(key, true, message, fix));
        }

        void warn(String key, String message, String fix) {
            add(new Issue(key, false, message, fix));
        }

        private void add(Issue i) {
            if (issues.size() < MAX) {
                issues.add(i);
            } else {
                dropped++;
            }
        }

        List<Issue> all() {
            if (dropped == 0) {
                return List.copyOf(issues);
            }
            List<Issue> l = new ArrayList<>(issues);
            l.add(new Issue("syntax", false, "... and " + dropped + " more problems not listed", ""));
            return List.copyOf(l);
        }

        List<String> errors() {
            return all().stream().filter(Issue::error).map(Issue::message).toList();
        }

        List<String> warnings() {
            return all().stream().filter(i -> !i.error()).map(Issue::message).toList();
        }
    }

    /** The fields of a "v=...; a=b; c=d" record (RFC 8460 §3, RFC 8461 §3.1), split on ';'. */
    record Field(int number, String name, String value, String text) {
    }

    /** Shared parts of the TLSRPT and MTA-STS TXT record grammars. */
    static final class TagList {
        private TagList() {
        }

        static boolean wsp(char c) {
            return c == ' ' || c == '\t';
        }

        static String stripWsp(String s) {
            int b = 0;
            int e = s.length();
            while (b < e && wsp(s.charAt(b))) {
                b++;
            }
            while (e > b && wsp(s.charAt(e - 1))) {
                e--;
            }
            return s.substring(b, e);
        }

        /** Name syntax of extensions: (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
        static boolean validName(String name) {
            if (name.isEmpty() || name.length() > 32 || !alnum(name.charAt(0))) {
                return false;
            }
            for (int i = 1; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!alnum(c) && c != '_' && c != '-' && c != '.') {
                    return false;
                }
            }
            return true;
        }

        /** Value syntax of extensions: 1*(%x21-3A / %x3C / %x3E-7E): no '=', ';', space or control. */
        static boolean validValue(String value) {
            if (value.isEmpty()) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
                    return false;
                }
            }
            return true;
        }

        static boolean alnum(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        /** The first character that is not printable US-ASCII (or tab), as "character N ('x')", or null. */
        static String nonAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if ((c < 0x20 && c != '\t') || c > 0x7e) {
                    return "character " + (i + 1) + " ('" + (c < 0x20 || c == 0x7f ? String.format("\\x%02X", (int) c)
                            : String.valueOf(c)) + "')";
                }
            }
            return null;
        }

        /**
         * Splits on ';' into fields numbered from 1; empty pieces are kept (value null, name "") so that the caller
         * can report them. A piece without '=' has a null value.
         */
        /**
         * The name=value fields of a record, names and values with surrounding blanks removed; what is not a
         * name=value field, and blanks around '=', are reported as syntax issues (the grammar shared by RFC 8460
         * §3 and RFC 8461 §3.1). Empty fields are skipped (a trailing ';' is allowed).
         */
        static List<Field> wellFormed(String raw, Collector is) {
            List<Field> fields = raw.isBlank() ? List.of() : split(raw);
            List<Field> named = new java.util.ArrayList<>();
            for (Field f : fields) {
                String where = "field " + f.number();
                if (f.text().isEmpty()) {
                    if (f.number() != fields.size()) {
                        is.warn("syntax", where + " is empty (two ';' in a row)", "Remove the extra ';'.");
                    }
                    continue;
                }
                if (f.value() == null) {
                    is.error("syntax", where + " (" + quote(f.text()) + ") is not name=value",
                            "Write each field as name=value and separate fields with ';'.");
                    continue;
                }
                String name = stripWsp(f.name());
                String value = stripWsp(f.value());
                if (!name.equals(f.name()) || !value.equals(f.value())) {
                    is.error("syntax", where + " (" + quote(f.text()) + ") has spaces around '='",
                            "Remove the spaces: " + name + "=" + value + ".");
                }
                named.add(new Field(f.number(), name, value, f.text()));
            }
            return named;
        }

        static List<Field> split(String txt) {
            List<Field> out = new ArrayList<>();
            String[] pieces = txt.split(";", -1);
            for (int i = 0; i < pieces.length && i < 1000; i++) {
                String text = stripWsp(pieces[i]);
                int eq = text.indexOf('=');
                if (eq < 0) {
                    out.add(new Field(i + 1, text, null, text));
                } else {
                    out.add(new Field(i + 1, text.substring(0, eq), text.substring(eq + 1), text));
                }
            }
            return out;
        }

        /** The version token: what follows a leading "v=" up to ';' or a space, or null without "v=". */
        static String versionToken(String txt) {
            if (txt == null) {
                return null;
            }
            String t = stripWsp(txt);
            if (!t.regionMatches(true, 0, "v", 0, 1)) {
                return null;
            }
            int i = 1;
            while (i < t.length() && wsp(t.charAt(i))) {
                i++;
            }
            if (i >= t.length() || t.charAt(i) != '=') {
                return null;
            }
            i++;
            while (i < t.length() && wsp(t.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < t.length() && t.charAt(i) != ';' && !wsp(t.charAt(i))) {
                i++;
            }
            return t.substring(start, i);
        }

        /**
         * Whether the TXT record is one of this kind for a sender: begins with exactly "v=" + version and then
         * ';', spaces or the end (RFC 8460 §3 and RFC 8461 §3.1 say "v=...;"; spaces before ';' are grammatical).
         */
        static boolean begins(String txt, String version) {
            String prefix = "v=" + version;
            if (txt == null || !txt.startsWith(prefix)) {
                return false;
            }
            String rest = txt.substring(prefix.length());
            return rest.isEmpty() || rest.charAt(0) == ';' || wsp(rest.charAt(0));
        }

        /** A near miss of the expected version: other case, a swapped, missing, extra or wrong letter or two. */
        static boolean typo(String token, String expected) {
            if (token == null || token.isEmpty() || token.equals(expected)) {
                return false;
            }
            if (token.equalsIgnoreCase(expected)) {
                return true;
            }
            return distance(token.toUpperCase(java.util.Locale.ROOT), expected.toUpperCase(java.util.Locale.ROOT))
                    <= 2;
        }

        /** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
        static int distance(String a, String b) {
            if (Math.abs(a.length() - b.length()) > 3 || a.length() > 64 || b.length() > 64) {
                return 99;
            }
            int[][] d = new int[a.length() + 1][b.length() + 1];
            for (int i = 0; i <= a.length(); i++) {
                d[i][0] = i;
            }
            for (int j = 0; j <= b.length(); j++) {
                d[0][j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                    if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                    }
                }
            }
            return d[a.length()][b.length()];
        }

        static String quote(String s) {
            return "'" + DomainNames.shorten(s) + "'";
        }
    }
}
