package io.tlsrpt.collector.records;

import io.tlsrpt.collector.records.Issue.TagList;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed MTA-STS policy file (RFC 8461 §3.2): "key: value" lines with {@code version: STSv1}, {@code mode},
 * {@code max_age} and {@code mx} (one per line, at least one unless the mode is none). Keys and the version and mode
 * values are case-sensitive; a repeated key other than mx keeps its first value; unknown keys are ignored.
 *
 * @param version     the first version value as written (null without one)
 * @param mode        the first mode value as written: enforce, testing or none when valid (null without one)
 * @param maxAge      the first max_age in seconds (null without one or when it is not a number)
 * @param mx          every mx value as written, in order
 * @param extensions  other lines as "key: value"
 * @param lineEndings "CRLF", "LF", "CR", "mixed" or "none" (a single line without a line break)
 * @param lines       the lines of the file without their line endings (what reporters put in policy-string)
 * @param problems    what makes the policy invalid or a field unusable, each with its line ("line 3 (mode): ...")
 * @param warnings    what is tolerated by most senders but risky
 */
public record MtaStsPolicy(String version, String mode, Long maxAge, List<String> mx, List<String> extensions,
                           String lineEndings, List<String> lines, List<String> problems, List<String> warnings) {
    public static final String VERSION = "STSv1";
    /** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;
    public static final long ONE_DAY = 86_400L;
    private static final int MAX_LINES = 2000;

    public MtaStsPolicy {
        mx = mx == null ? List.of() : List.copyOf(mx);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        lines = lines == null ? List.of() : List.copyOf(lines);
        problems = problems == null ? List.of() : List.copyOf(problems);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** Parses a policy body; never throws. */
    public static MtaStsPolicy parse(String body) {
        return analyse(body).policy();
    }

    /**
     * RFC 8461 §4.1: whether an MX host matches a policy mx pattern. Case-insensitive, one trailing dot ignored on
     * either side; a leading "*." matches exactly one label ("*.example.com" matches "mx.example.com", not
     * "example.com" nor "a.b.example.com"). Any other '*' matches nothing.
     */
    public static boolean mxMatches(String pattern, String host) {
        if (pattern == null || host == null) {
            return false;
        }
        String p = DomainNames.strip(pattern);
        String h = DomainNames.strip(host);
        if (p.isEmpty() || h.isEmpty() || h.indexOf('*') >= 0) {
            return false;
        }
        if (p.startsWith("*.")) {
            String suffix = p.substring(1);
            if (suffix.indexOf('*') >= 0 || suffix.length() < 2 || !h.endsWith(suffix)) {
                return false;
            }
            String first = h.substring(0, h.length() - suffix.length());
            return !first.isEmpty() && first.indexOf('.') < 0;
        }
        return p.indexOf('*') < 0 && p.equals(h);
    }

    /** Whether the mode is one RFC 8461 defines. */
    public boolean validMode() {
        return "enforce".equals(mode) || "testing".equals(mode) || "none".equals(mode);
    }

    record Analysis(MtaStsPolicy policy, List<Issue> issues) {
    }

    private static final Map<String, String> KNOWN = Map.of("version", "version", "mode", "mode", "max_age",
            "max_age", "mx", "mx", "max-age", "max_age", "maxage", "max_age", "max age", "max_age");

    static Analysis analyse(String body) {
        String text = body == null ? "" : body;
        Issue.Collector is = new Issue.Collector();
        String endings = lineEndings(text);
        switch (endings) {
            case "LF" -> is.warn("line-endings", "the lines end in LF; RFC 8461 §3.2 says CRLF. Most senders "
                            + "accept LF (its grammar allows both, erratum 6253), a few strict ones may not",
                    "Save the file with CRLF line endings (unix2dos mta-sts.txt).");
            case "mixed" -> is.warn("line-endings", "the lines end in a mix of CRLF and LF (or CR)",
                    "Save the file with CRLF line endings throughout.");
            case "CR" -> is.error("line-endings", "the lines end in a bare CR (old Mac style); senders see one "
                    + "long line", "Save the file with CRLF line endings.");
            default -> {
            }
        }
        if (text.startsWith("\uFEFF")) {
            is.error("syntax", "line 1 starts with a byte-order mark; senders do not recognise its key",
                    "Save the file as UTF-8 without BOM (or plain ASCII).");
            text = text.substring(1);
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\r\n|\n|\r", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.size() > MAX_LINES) {
            is.error("syntax", "the file has " + lines.size() + " lines; only the first " + MAX_LINES
                    + " were read", "A policy has a handful of lines.");
            lines = new ArrayList<>(lines.subList(0, MAX_LINES));
        }
        String version = null;
        String mode = null;
        Long maxAge = null;
        boolean maxAgeSeen = false;
        List<String> mx = new ArrayList<>();
        List<String> extensions = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        Map<String, String> firstValue = new HashMap<>();
        Set<String> mxSeen = new LinkedHashSet<>();
        if (text.isBlank()) {
            is.error("syntax", "the policy file is empty", "Publish version, mode, max_age and mx lines.");
        }
        int trailingBlank = 0;
        for (int i = lines.size() - 1; i >= 0 && lines.get(i).isBlank(); i--) {
            trailingBlank++;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = "line " + (i + 1);
            if (line.isBlank()) {
                if (!text.isBlank()) {
                    is.warn("syntax", where + " is empty" + (i >= lines.size() - trailingBlank
                                    ? " (blank lines at the end)" : "") + "; the grammar has no empty lines",
                            "Remove the empty line.");
                }
                continue;
            }
            String bad = TagList.nonAscii(line.replace("\t", " "));
            if (bad != null) {
                is.warn("syntax", where + ": " + bad + " is not printable US-ASCII",
                        "Retype the line in plain ASCII.");
            }
            if (TagList.wsp(line.charAt(0))) {
                is.warn("syntax", where + " starts with a space; the grammar allows none before the key and "
                        + "strict senders reject it", "Remove the leading spaces.");
            }
            String l = TagList.stripWsp(line);
            int colon = l.indexOf(':');
            if (colon <= 0) {
                is.error("syntax", where + " (" + TagList.quote(l) + ") is not \"key: value\"",
                        "Write each line as key: value.");
                continue;
            }
            String rawKey = l.substring(0, colon);
            String key = TagList.stripWsp(rawKey);
            String value = TagList.stripWsp(l.substring(colon + 1));
            if (!rawKey.equals(key)) {
                is.warn("syntax", where + ": a space before ':' after " + TagList.quote(key),
                        "Write " + key + ": with the ':' right after the key.");
            }
            String canonical = KNOWN.get(key.toLowerCase(Locale.ROOT));
            if (canonical != null && !canonical.equals(key)) {
                is.error(canonical, where + ": the key " + TagList.quote(key) + " is not '" + canonical
                                + "' (keys are case-sensitive and max_age has an underscore); senders ignore the line",
                        "Write '" + canonical + ":'.");
                extensions.add(key + ": " + value);
                continue;
            }
            String fieldWhere = where + " (" + key + ")";
            switch (key) {
                case "version" -> {
                    if (duplicate(is, key, value, where, firstLine, firstValue, i)) {
                        continue;
                    }
                    version = value;
                    if (!VERSION.equals(value)) {
                        is.error("version", fieldWhere + ": " + TagList.quote(value) + " is not " + VERSION
                                + "; senders reject the policy", "Write version: STSv1.");
                    }
                }
                case "mode" -> {
                    if (duplicate(is, key, value, where, firstLine, firstValue, i)) {
                        continue;
                    }
                    mode = value;
                    if (!value.equals("enforce") && !value.equals("testing") && !value.equals("none")) {
                        boolean caseOnly = List.of("enforce", "testing", "none")
                                .contains(value.toLowerCase(Locale.ROOT));
                        is.error("mode", fieldWhere + ": " + TagList.quote(value) + " is not enforce, testing or "
                                        + "none" + (caseOnly ? " (values are case-sensitive)" : "")
                                        + "; senders reject the policy",
                                "Write mode: testing while you watch the reports, then mode: enforce.");
                    }
                }
                case "max_age" -> {
                    if (duplicate(is, key, value, where, firstLine, firstValue, i)) {
                        continue;
                    }
                    maxAgeSeen = true;
                    maxAge = maxAge(is, fieldWhere, value);
                }
                case "mx" -> {
                    mx.add(value);
                    String p = mxPatternProblem(value);
                    if (p != null) {
                        is.error("mx", fieldWhere + ": " + TagList.quote(value) + " " + p + "; it matches no MX",
                                "Write the MX host name as in the MX record (without trailing dot), or *.domain "
                                        + "for every host one label below domain.");
                    } else if (value.endsWith(".")) {
                        is.warn("mx", fieldWhere + ": " + TagList.quote(value) + " ends with a dot; the grammar "
                                + "has none and some senders then match nothing", "Remove the trailing dot.");
                    }
                    if (!mxSeen.add(DomainNames.strip(value))) {
                        is.warn("mx", fieldWhere + ": " + TagList.quote(value) + " is listed twice",
                                "List it once.");
                    }
                }
                default -> {
                    extensions.add(key + ": " + value);
                    if (!TagList.validName(key)) {
                        is.warn("syntax", where + ": " + TagList.quote(key) + " is not a valid key; senders "
                                + "ignore the line (or reject the policy)", "Remove the line.");
                    } else {
                        is.warn("syntax", where + ": unknown key " + TagList.quote(key) + " is ignored",
                                "Remove it unless you meant one of version, mode, max_age, mx.");
                    }
                }
            }
        }
        if (!text.isBlank()) {
            if (!firstLine.containsKey("version")) {
                is.error("version", "no version line", "Add version: STSv1 as the first line.");
            }
            if (!firstLine.containsKey("mode")) {
                is.error("mode", "no mode line", "Add mode: testing (or enforce).");
            }
            if (!maxAgeSeen) {
                is.error("max_age", "no max_age line", "Add max_age: 604800 (a week) or more.");
            }
            if (mx.isEmpty() && !"none".equals(mode)) {
                is.error("mx", "no mx line; one is required unless the mode is none",
                        "Add one mx: line per MX host (or a *.domain pattern).");
            }
        }
        MtaStsPolicy policy = new MtaStsPolicy(version, mode, maxAge, mx, extensions, endings, lines,
                is.errors(), is.warnings());
        return new Analysis(policy, is.all());
    }

    private static boolean duplicate(Issue.Collector is, String key, String value, String where,
                                     Map<String, Integer> firstLine, Map<String, String> firstValue, int index) {
        Integer first = firstLine.get(key);
        if (first == null) {
            firstLine.put(key, index + 1);
            firstValue.put(key, value);
            return false;
        }
        String fix = "Keep one " + key + " line.";
        if (firstValue.get(key).equals(value)) {
            is.warn(key, where + ": " + key + " again (the same value as line " + first + ")", fix);
        } else {
            is.error(key, where + ": " + key + " again with " + TagList.quote(value) + "; senders use line "
                    + first + " (" + TagList.quote(firstValue.get(key)) + ") and ignore this one", fix);
        }
        return true;
    }

    private static Long maxAge(Issue.Collector is, String where, String value) {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            is.error("max_age", where + ": " + TagList.quote(value) + " is not a number of seconds",
                    "Write max_age: 604800 (a week) or more, in seconds.");
            return null;
        }
        if (value.length() > 10) {
            is.error("max_age", where + ": " + TagList.quote(value) + " has more than 10 digits; at most "
                    + MAX_AGE_LIMIT + " seconds are allowed", "Use at most " + MAX_AGE_LIMIT + " (a year).");
            return null;
        }
        long v = Long.parseLong(value);
        if (v > MAX_AGE_LIMIT) {
            is.error("max_age", where + ": " + v + " seconds is more than the " + MAX_AGE_LIMIT
                    + " (about a year) RFC 8461 §3.2 allows; senders may reject the policy",
                    "Use at most " + MAX_AGE_LIMIT + "; 604800 (a week) to 31557600 is usual.");
        } else if (v < ONE_DAY) {
            is.warn("max_age", where + ": " + v + " seconds is less than a day; senders forget the policy "
                            + "quickly, so an attacker who blocks the policy fetch for that long downgrades them",
                    "Use at least 86400; RFC 8461 expects weeks (604800 or more) once the policy is stable.");
        }
        return v;
    }

    /** What is wrong with an mx pattern ("mx.example.com" or "*.example.com"), or null. */
    static String mxPatternProblem(String pattern) {
        if (pattern.isEmpty()) {
            return "is empty";
        }
        String p = pattern.endsWith(".") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (p.startsWith("*.")) {
            String rest = p.substring(2);
            if (rest.indexOf('*') >= 0) {
                return "has a '*' that is not the whole first label";
            }
            String problem = DomainNames.problem(rest);
            return problem == null ? null : "is not a valid pattern: " + problem;
        }
        if (p.indexOf('*') >= 0) {
            return "has a '*' that is not the whole first label (only \"*.\" at the start is allowed)";
        }
        if (p.indexOf(' ') >= 0 || p.indexOf('\t') >= 0) {
            return "has spaces (one mx per line)";
        }
        String problem = DomainNames.problem(p);
        return problem == null ? null : "is not a valid host name: " + problem;
    }

    /** "CRLF", "LF", "CR", "mixed", or "none". */
    static String lineEndings(String text) {
        int crlf = 0;
        int lf = 0;
        int cr = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    crlf++;
                    i++;
                } else {
                    cr++;
                }
            } else if (c == '\n') {
                lf++;
            }
        }
        int kinds = (crlf > 0 ? 1 : 0) + (lf > 0 ? 1 : 0) + (cr > 0 ? 1 : 0);
        if (kinds == 0) {
            return "none";
        }
        if (kinds > 1) {
            return "mixed";
        }
        return crlf > 0 ? "CRLF" : lf > 0 ? "LF" : "CR";
    }
}
