package io.tlsrpt.collector.records;

import io.tlsrpt.collector.records.Issue.Field;
import io.tlsrpt.collector.records.Issue.TagList;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A parsed {@code _smtp._tls} TXT record (RFC 8460 §3): {@code v=TLSRPTv1} first, one or more {@code rua} fields
 * each holding a comma list of {@code mailto:} or {@code https:} URIs, and extensions.
 *
 * @param raw        the record as published (the TXT strings joined)
 * @param version    the value of v as written (null without a v field)
 * @param rua        every rua URI as written, in order, over all rua fields
 * @param extensions other fields as "name=value"
 * @param problems   what makes senders ignore the record or a URI, each saying where ("field 2 (rua), URI 1: ...")
 * @param warnings   what is allowed or tolerated but risky
 */
public record TlsrptRecord(String raw, String version, List<String> rua, List<String> extensions,
                           List<String> problems, List<String> warnings) {
    public static final String VERSION = "TLSRPTv1";

    public TlsrptRecord {
        rua = rua == null ? List.of() : List.copyOf(rua);
        extensions = extensions == null ? List.of() : List.copyOf(extensions);
        problems = problems == null ? List.of() : List.copyOf(problems);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** Parses one TXT record's text; never throws. */
    public static TlsrptRecord parse(String txt) {
        return analyse(txt).record();
    }

    /** The addresses of the mailto: URIs, percent-decoded, lower case, without "?headers". */
    public List<String> mailtoAddresses() {
        List<String> out = new ArrayList<>();
        for (String uri : rua) {
            String a = mailtoAddress(uri);
            if (a != null && !out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** Whether a sender would take this TXT record for a TLSRPT record (it begins with "v=TLSRPTv1"). */
    public static boolean isTlsrpt(String txt) {
        return TagList.begins(txt, VERSION);
    }

    /** Whether the TXT record looks like a TLSRPT record with a misspelt version (TSLRPTv1, tlsrptv1, ...). */
    public static boolean isVersionTypo(String txt) {
        return !isTlsrpt(txt) && TagList.typo(TagList.versionToken(txt), VERSION);
    }

    record Analysis(TlsrptRecord record, List<Issue> issues) {
    }

    static Analysis analyse(String txt) {
        String raw = txt == null ? "" : txt;
        Issue.Collector is = new Issue.Collector();
        String version = null;
        List<String> rua = new ArrayList<>();
        List<String> extensions = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int ruaFields = 0;

        String bad = TagList.nonAscii(raw);
        if (bad != null) {
            is.error("syntax", bad + " is not printable US-ASCII",
                    "Retype the record in plain ASCII; copy-pasting from a word processor brings in such characters.");
        }
        if (raw.isBlank()) {
            is.error("v", "the record is empty", "Publish \"v=TLSRPTv1; rua=mailto:tlsrpt@your-domain\".");
        }
        for (Field f : TagList.wellFormed(raw, is)) {
            String where = "field " + f.number();
            String name = f.name();
            String value = f.value();
            if (f.number() == 1) {
                if (!name.equals("v")) {
                    is.error(name.equalsIgnoreCase("v") ? "version-typo" : "v", "the record must begin with v="
                            + VERSION + "; it begins with " + TagList.quote(f.text()),
                            "Put v=" + VERSION + " first: \"v=" + VERSION + "; rua=...\".");
                }
            } else if (name.equalsIgnoreCase("v")) {
                if (version == null) {
                    is.error("v", "v is " + where + "; it must be the first field", "Move v=" + VERSION
                            + " to the start of the record.");
                } else {
                    is.error("v", where + ": a second v field", "Remove it.");
                    continue;
                }
            }
            if (name.equalsIgnoreCase("v")) {
                version = value;
                if (!value.equals(VERSION)) {
                    if (TagList.typo(value, VERSION)) {
                        is.error("version-typo", where + " (v): " + TagList.quote(value) + " is not " + VERSION
                                        + " (a typo?); senders ignore the record",
                                "Write v=" + VERSION + " exactly: upper case TLSRPT, lower-case v, digit 1.");
                    } else {
                        is.error("v", where + " (v): " + TagList.quote(value) + " is not " + VERSION
                                        + (value.startsWith("STS") ? " (this is the MTA-STS version: the records are swapped?)"
                                        : "") + "; senders ignore the record",
                                "Write v=" + VERSION + ".");
                    }
                }
                continue;
            }
            if (name.equalsIgnoreCase("rua")) {
                ruaFields++;
                if (!name.equals("rua")) {
                    is.error("rua", where + ": the field name " + TagList.quote(name)
                            + " must be lower case 'rua'", "Write rua= in lower case.");
                }
                String[] uris = value.split(",", -1);
                for (int u = 0; u < uris.length && u < 100; u++) {
                    String uri = TagList.stripWsp(uris[u]);
                    String uwhere = where + " (rua), URI " + (u + 1);
                    if (uri.isEmpty()) {
                        is.error("rua", uwhere + " is empty (a stray comma?)", "Remove the extra comma.");
                        continue;
                    }
                    rua.add(uri);
                    String problem = uriProblem(uri);
                    if (problem != null) {
                        is.error("rua", uwhere + " " + TagList.quote(uri) + ": " + problem,
                                "Use mailto:address@domain or https://host/path; percent-encode ',', '!' and ';'.");
                    }
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
                is.warn("syntax", where + ": " + TagList.quote(name) + " appears more than once",
                        "Keep one of them.");
            }
            extensions.add(name + "=" + value);
        }
        if (raw.startsWith("v=" + VERSION) && raw.length() > VERSION.length() + 2
                && TagList.wsp(raw.charAt(VERSION.length() + 2))) {
            is.warn("syntax", "a space between v=" + VERSION + " and ';': the grammar allows it, but RFC 8460 §3 "
                            + "keeps only records that begin with \"v=" + VERSION + ";\" and strict senders drop it",
                    "Write \"v=" + VERSION + ";\" with the ';' right after the version.");
        }
        if (!raw.isBlank() && ruaFields == 0) {
            is.error("rua", "no rua field: reporters have nowhere to send reports",
                    "Add rua=mailto:tlsrpt@your-domain (or an https: URI).");
        } else if (ruaFields > 1) {
            is.warn("rua", ruaFields + " rua fields: allowed by the grammar, but some senders read only the first",
                    "Join them into one field: rua=mailto:a@example.com,mailto:b@example.com.");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String u : rua) {
            if (!seen.add(u.toLowerCase(Locale.ROOT))) {
                is.warn("rua", "the URI " + TagList.quote(u) + " is listed twice", "List it once.");
            }
        }
        TlsrptRecord record = new TlsrptRecord(raw, version, rua, extensions, is.errors(), is.warnings());
        return new Analysis(record, is.all());
    }

    /** What is wrong with a rua URI, or null. */
    static String uriProblem(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            return uri.contains("@") ? "has no scheme; write 'mailto:" + DomainNames.shorten(uri) + "'"
                    : "is not a URI (mailto: or https:)";
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (uri.indexOf('!') >= 0) {
            return "'!' must be percent-encoded (%21); a DMARC-style size limit such as '!10m' is not part of TLSRPT";
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c > 0x7e) {
                return "has a space or a character that must be percent-encoded";
            }
        }
        switch (scheme) {
            case "mailto": {
                String addr = mailtoAddress(uri);
                if (addr == null) {
                    return "is not a valid mailto: URI (bad percent-encoding)";
                }
                int at = addr.lastIndexOf('@');
                if (at <= 0 || at == addr.length() - 1) {
                    return "has no address of the form local-part@domain";
                }
                if (addr.indexOf('@') != at && !addr.startsWith("\"")) {
                    return "has more than one '@'";
                }
                String domain = addr.substring(at + 1);
                if (domain.startsWith("[") && domain.endsWith("]")) {
                    return null;
                }
                String p = DomainNames.problem(domain);
                return p == null ? null : "the address's domain is not valid: " + p;
            }
            case "https": {
                URI parsed;
                try {
                    parsed = new URI(uri);
                } catch (URISyntaxException e) {
                    return "is not a valid URI: " + e.getReason();
                }
                String host = parsed.getHost();
                if (host == null || host.isEmpty()) {
                    return "has no host name";
                }
                if (host.startsWith("[") || host.matches("[0-9.]+")) {
                    return null;
                }
                String p = DomainNames.problem(host);
                return p == null ? null : "the host is not valid: " + p;
            }
            case "http":
                return "plain http: is not allowed; RFC 8460 §3 allows https: only";
            default:
                return "the scheme '" + DomainNames.shorten(scheme) + ":' is not supported; only mailto: and https:";
        }
    }

    /** The address of a mailto: URI, percent-decoded, lower case, without "?headers"; null if not one. */
    static String mailtoAddress(String uri) {
        if (uri == null || uri.length() < 7 || !uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            return null;
        }
        String a = uri.substring(7);
        int q = a.indexOf('?');
        if (q >= 0) {
            a = a.substring(0, q);
        }
        try {
            return percentDecode(a).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("bad escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
                out[n++] = (byte) (hi * 16 + lo);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
