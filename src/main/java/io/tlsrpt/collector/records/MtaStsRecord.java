package io.tlsrpt.collector.records;

import io.tlsrpt.collector.records.Issue.Field;
import io.tlsrpt.collector.records.Issue.TagList;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A parsed {@code _mta-sts} TXT record (RFC 8461 §3.1): {@code v=STSv1} first, {@code id} of 1 to 32 letters and
 * digits, extensions.
 *
 * @param raw        the record as published (the TXT strings joined)
 * @param version    the value of v as written (null without a v field)
 * @param id         the policy id as written (null without one)
 * @param extensions other fields as "name=value"
 * @param problems   what makes the record invalid (senders then assume there is no MTA-STS policy), with where
 * @param warnings   what is allowed or tolerated but risky
 */
public record MtaStsRecord(String raw, String version, String id, List<String> extensions, List<String> problems,
                           List<String> warnings) {
    public static final String VERSION = "STSv1";

    public MtaStsRecord {
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        problems = problems == null ? List.of() : List.copyOf(problems);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** Parses one TXT record's text; never throws. */
    public static MtaStsRecord parse(String txt) {
        return analyse(txt).record();
    }

    /** Whether a sender would take this TXT record for an MTA-STS record (it begins with "v=STSv1"). */
    public static boolean isMtaSts(String txt) {
        return TagList.begins(txt, VERSION);
    }

    /** Whether the TXT record looks like an MTA-STS record with a misspelt version (stsv1, STS1, ...). */
    public static boolean isVersionTypo(String txt) {
        return !isMtaSts(txt) && TagList.typo(TagList.versionToken(txt), VERSION);
    }

    record Analysis(MtaStsRecord record, List<Issue> issues) {
    }

    static Analysis analyse(String txt) {
        String raw = txt == null ? "" : txt;
        Issue.Collector is = new Issue.Collector();
        String version = null;
        String id = null;
        List<String> extensions = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        String bad = TagList.nonAscii(raw);
        if (bad != null) {
            is.error("syntax", bad + " is not printable US-ASCII (RFC 8461 §3.1 requires US-ASCII)",
                    "Retype the record in plain ASCII.");
        }
        if (raw.isBlank()) {
            is.error("v", "the record is empty", "Publish \"v=STSv1; id=20240101T000000\".");
        }
        for (Field f : TagList.wellFormed(raw, is)) {
            String where = "field " + f.number();
            String name = f.name();
            String value = f.value();
            if (f.number() == 1 && !name.equals("v")) {
                is.error("v", "the record must begin with v=" + VERSION + "; it begins with "
                        + TagList.quote(f.text()), "Put v=" + VERSION + " first: \"v=" + VERSION + "; id=...\".");
            }
            if (name.equalsIgnoreCase("v")) {
                if (version != null) {
                    is.error("v", where + ": a second v field", "Remove it.");
                    continue;
                }
                if (f.number() != 1) {
                    is.error("v", "v is " + where + "; it must be the first field",
                            "Move v=" + VERSION + " to the start.");
                }
                version = value;
                if (!value.equals(VERSION)) {
                    is.error("v", where + " (v): " + TagList.quote(value) + " is not " + VERSION
                                    + (TagList.typo(value, VERSION) ? " (a typo?)" : "")
                                    + "; senders assume there is no MTA-STS policy",
                            "Write v=" + VERSION + " exactly.");
                }
                continue;
            }
            if (name.equalsIgnoreCase("id")) {
                if (!name.equals("id")) {
                    is.error("id", where + ": the field name " + TagList.quote(name) + " must be lower case 'id'",
                            "Write id= in lower case.");
                }
                if (id != null) {
                    is.error("id", where + ": a second id (" + TagList.quote(value) + "; the first is "
                            + TagList.quote(id) + ")", "Keep one id.");
                    continue;
                }
                id = value;
                String p = idProblem(value);
                if (p != null) {
                    is.error("id", where + " (id): " + p, "Use 1 to 32 letters and digits, e.g. the date and time "
                            + "of the policy change: id=20240101T120000.");
                }
                continue;
            }
            if (!TagList.validName(name)) {
                is.error("syntax", where + ": " + TagList.quote(name) + " is not a valid field name",
                        "Field names are letters, digits, '_', '-' and '.', starting with a letter or digit.");
            } else if (!TagList.validValue(value)) {
                is.error("syntax", where + " (" + name + "): the value " + TagList.quote(value)
                        + " has a space, '=' or control character, or is empty", "Fix or remove the field.");
            }
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                is.warn("syntax", where + ": " + TagList.quote(name) + " appears more than once", "Keep one.");
            }
            extensions.add(name + "=" + value);
        }
        if (raw.startsWith("v=" + VERSION) && raw.length() > VERSION.length() + 2
                && TagList.wsp(raw.charAt(VERSION.length() + 2))) {
            is.warn("syntax", "a space between v=" + VERSION + " and ';': the grammar allows it, but RFC 8461 §3.1 "
                            + "keeps only records that begin with \"v=" + VERSION + ";\" (erratum 6285) and strict "
                            + "senders drop it",
                    "Write \"v=" + VERSION + ";\" with the ';' right after the version.");
        }
        if (!raw.isBlank() && id == null) {
            is.error("id", "no id field: the record is invalid and senders assume there is no MTA-STS policy",
                    "Add id=<1 to 32 letters and digits>, changed every time the policy file changes.");
        }
        return new Analysis(new MtaStsRecord(raw, version, id, extensions, is.errors(), is.warnings()), is.all());
    }

    /** What is wrong with a policy id (RFC 8461 §3.1: 1*32(ALPHA / DIGIT)), or null. */
    static String idProblem(String id) {
        if (id.isEmpty()) {
            return "the id is empty";
        }
        if (id.length() > 32) {
            return "the id is " + id.length() + " characters long; at most 32 are allowed";
        }
        for (int i = 0; i < id.length(); i++) {
            if (!TagList.alnum(id.charAt(i))) {
                return "the id " + TagList.quote(id) + " has " + TagList.quote(String.valueOf(id.charAt(i)))
                        + "; only letters and digits are allowed";
            }
        }
        return null;
    }
}
