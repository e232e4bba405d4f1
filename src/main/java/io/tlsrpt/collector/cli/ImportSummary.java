package io.tlsrpt.collector.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What an import did, counted exactly (every message is processed before the next is read). */
public final class ImportSummary {
    /** Lines kept about single messages and files (quarantined, skipped, failed); the rest are only counted. */
    static final int MAX_NOTES = 50;

    long files;
    long messages;
    long reportsStored;
    long duplicates;
    long alreadyImported;
    long quarantinedMessages;
    final Map<String, Long> quarantinedByCode = new TreeMap<>();
    long waiting;
    long failed;
    long tooLarge;
    final Map<String, Long> skipped = new TreeMap<>();
    long unreadable;
    boolean aborted;
    Duration elapsed = Duration.ZERO;
    private final List<String> notes = new ArrayList<>();
    private long notesLeftOut;

    /** Files read (a directory counts its files; an mbox counts once). */
    public long files() {
        return files;
    }

    /** Messages and report files met, "already imported" included. */
    public long messages() {
        return messages;
    }

    public long reportsStored() {
        return reportsStored;
    }

    /** Reports that were already stored under the same organization-name, report-id and date range. */
    public long duplicates() {
        return duplicates;
    }

    /** Messages skipped because exactly the same bytes are stored already (an earlier import, or arrival). */
    public long alreadyImported() {
        return alreadyImported;
    }

    /** Messages in which nothing could be stored. */
    public long quarantinedMessages() {
        return quarantinedMessages;
    }

    /** Quarantine entries (messages or report parts) by reason code. */
    public Map<String, Long> quarantinedByCode() {
        return Collections.unmodifiableMap(quarantinedByCode);
    }

    /** Messages stored but waiting: their DKIM key could not be fetched now; the collector processes them later. */
    public long waiting() {
        return waiting;
    }

    /** Messages stored but whose processing failed unexpectedly; the collector tries them again. */
    public long failed() {
        return failed;
    }

    /** Messages or files larger than tlsrpt.smtp.max-message-size: not stored. */
    public long tooLarge() {
        return tooLarge;
    }

    /** Files not imported, by why (not an e-mail, mbox or report; hidden; Maildir tmp/). */
    public Map<String, Long> skipped() {
        return Collections.unmodifiableMap(skipped);
    }

    /** Paths that could not be read (missing, no permission). */
    public long unreadable() {
        return unreadable;
    }

    /** The database could not store: the import stopped early. */
    public boolean aborted() {
        return aborted;
    }

    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    void note(String line) {
        if (notes.size() < MAX_NOTES) {
            notes.add(line);
        } else {
            notesLeftOut++;
        }
    }

    void skip(String why) {
        skipped.merge(why, 1L, Long::sum);
    }

    /** 0 when everything read could be handled (quarantined reports included), 1 otherwise. */
    int exitCode() {
        return aborted || unreadable > 0 || failed > 0 ? 1 : 0;
    }

    /** One line for the progress output. */
    String progress() {
        return "import: " + messages + " messages: " + reportsStored + " reports stored, " + duplicates
                + " duplicates, " + alreadyImported + " already imported, " + quarantinedMessages + " quarantined ("
                + seconds() + " s)";
    }

    void print(PrintStream out) {
        out.println((aborted ? "Import STOPPED (the database cannot store)" : "Import finished") + " in "
                + seconds() + " s: " + files + " files, " + messages + " messages and report files.");
        row(out, "reports stored", reportsStored, "");
        row(out, "duplicate reports", duplicates, "already stored: same organization-name, report-id and date range");
        row(out, "already imported", alreadyImported, "messages whose exact bytes are stored already: skipped");
        row(out, "quarantined", quarantinedMessages, "messages with nothing usable"
                + (quarantinedByCode.isEmpty() ? "" : "; entries by reason:"));
        quarantinedByCode.forEach((code, n) -> out.printf("      %-28s %8d%n", code, n));
        if (waiting > 0) {
            row(out, "waiting", waiting, "DKIM key not available now: the collector processes them later");
        }
        if (failed > 0) {
            row(out, "failed", failed, "processing failed: the collector tries them again");
        }
        row(out, "too large", tooLarge, "over tlsrpt.smtp.max-message-size: not stored");
        long skippedFiles = skipped.values().stream().mapToLong(Long::longValue).sum();
        row(out, "skipped files", skippedFiles, "");
        skipped.forEach((why, n) -> out.printf("      %-28s %8d%n", why, n));
        if (unreadable > 0) {
            row(out, "unreadable", unreadable, "paths that could not be read");
        }
        if (!notes.isEmpty()) {
            out.println("Details:");
            notes.forEach(n -> out.println("  " + n));
            if (notesLeftOut > 0) {
                out.println("  ... and " + notesLeftOut + " more");
            }
        }
    }

    private static void row(PrintStream out, String label, long n, String meaning) {
        out.printf("  %-32s %8d%s%n", label + ":", n, meaning.isEmpty() ? "" : "   " + meaning);
    }

    private String seconds() {
        return String.format(java.util.Locale.ROOT, "%.1f", elapsed.toMillis() / 1000.0);
    }
}
