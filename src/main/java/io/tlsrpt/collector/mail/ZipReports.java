package io.tlsrpt.collector.mail;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the JSON entries of a zip attachment into reports, one per entry, without inflating them: only the
 * central directory is read, plus a few bytes of entries whose name does not end in ".json".
 */
final class ZipReports {

    /** Enough of an entry to see whether it starts with '{' after a BOM and some white space. */
    private static final int PEEK = 64;

    private ZipReports() {
    }

    static void add(MessageWalker walker, int number, String fileName, String declared, byte[] zip,
                    boolean reportLike) {
        List<ZipIndex.Entry> entries;
        try {
            entries = ZipIndex.entries(zip, walker.remainingParts());
        } catch (IOException | RuntimeException e) {
            walker.problem(number, fileName, "zip cannot be opened: " + Reasons.of(e));
            return;
        }
        Set<String> seen = new HashSet<>();
        int found = 0;
        int problemsBefore = walker.problems().size();
        for (ZipIndex.Entry entry : entries) {
            if (entry.directory()) {
                continue;
            }
            if (!walker.takePart()) {
                return;
            }
            String name = entry.name();
            String lower = name.toLowerCase(Locale.ROOT);
            boolean namedJson = lower.endsWith(".json");
            if (lower.endsWith(".gz") || lower.endsWith(".zip")) {
                // An archive in an archive is refused (RFC 8460 §6.3 warns about nested archives); it is only
                // worth a problem when it is named like a report.
                if (lower.endsWith(".json.gz")) {
                    walker.problem(number, fileName, entryReason(name, "nested archive not supported"));
                }
                continue;
            }
            if (!namedJson && !startsLikeJson(zip, entry)) {
                continue;
            }
            String unreadable = unreadable(entry);
            if (unreadable != null) {
                walker.problem(number, fileName, entryReason(name, unreadable));
            } else if (!seen.add(name)) {
                // Reports are found again by entry name, so a second entry with the same name is refused.
                walker.problem(number, fileName, entryReason(name, "duplicate entry name"));
            } else {
                walker.report(fileName, declared, Format.ZIP, zip, name);
                found++;
            }
        }
        if (found == 0 && reportLike && walker.problems().size() == problemsBefore) {
            walker.problem(number, fileName, "zip contains no JSON report");
        }
    }

    /** Why the entry cannot be read, or null. */
    private static String unreadable(ZipIndex.Entry entry) {
        if (entry.encrypted()) {
            return "encrypted";
        }
        if (entry.method() != 0 && entry.method() != 8) {
            return "unsupported compression method " + entry.method();
        }
        return null;
    }

    /** For entries not named .json: do the first bytes say JSON? Reads at most {@link #PEEK} bytes. */
    private static boolean startsLikeJson(byte[] zip, ZipIndex.Entry entry) {
        if (unreadable(entry) != null) {
            return false;
        }
        try (InputStream in = ZipIndex.open(zip, entry)) {
            return ReportSniffer.sniffContent(in.readNBytes(PEEK)) == Format.JSON;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String entryReason(String name, String reason) {
        return "zip entry " + Reasons.quote(name) + ": " + reason;
    }
}
