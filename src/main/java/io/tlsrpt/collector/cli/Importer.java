package io.tlsrpt.collector.cli;

import io.tlsrpt.collector.ingest.Acceptance;
import io.tlsrpt.collector.ingest.Channel;
import io.tlsrpt.collector.ingest.Envelope;
import io.tlsrpt.collector.ingest.MessageOutcome;
import io.tlsrpt.collector.ingest.MessageProcessor;
import io.tlsrpt.collector.ingest.Receiver;
import io.tlsrpt.collector.store.MessageStore;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Imports e-mails ({@code .eml}, mbox files, Maildir folders) and bare reports ({@code .json}, {@code .json.gz},
 * {@code .zip}) into the store, the way they would have arrived: each is stored raw, then processed at once (same
 * limits, quarantine and duplicate rules as mail), so that the counts are exact. A message whose exact bytes are
 * stored already is skipped as "already imported": an import can run again over the same files.
 */
final class Importer {
    enum Kind { EMAIL, MBOX, REPORT_FILE }

    private static final int SNIFF_BYTES = 8192;

    private final Receiver receiver;
    private final MessageStore messages;
    private final MessageProcessor processor;
    private final long maxMessageSize;
    private final String emailChannel;
    private final PrintStream progressOut;
    private final long progressEvery;
    private final Duration progressInterval;
    private final ImportSummary summary = new ImportSummary();
    private long lastProgressCount;
    private long lastProgressNanos;
    private long startNanos;

    Importer(Receiver receiver, MessageStore messages, MessageProcessor processor, long maxMessageSize,
             boolean judgeDkim, PrintStream progressOut, long progressEvery, Duration progressInterval) {
        this.receiver = receiver;
        this.messages = messages;
        this.processor = processor;
        this.maxMessageSize = maxMessageSize;
        this.emailChannel = judgeDkim ? Channel.IMPORT : Channel.IMPORT_UNJUDGED;
        this.progressOut = progressOut;
        this.progressEvery = progressEvery;
        this.progressInterval = progressInterval;
    }

    /** Stops the walk when the database cannot store: every further message would fail the same way. */
    private static final class StoreUnavailable extends RuntimeException {
        StoreUnavailable(String message) {
            super(message);
        }
    }

    ImportSummary run(List<Path> paths) {
        startNanos = System.nanoTime();
        lastProgressNanos = startNanos;
        try {
            for (Path p : paths) {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
                    summary.unreadable++;
                    summary.note(p + ": no such file or directory");
                } else if (Files.isDirectory(p)) {
                    walk(p);
                } else {
                    file(p, true);
                }
            }
        } catch (StoreUnavailable e) {
            summary.aborted = true;
            summary.note("stopped: " + e.getMessage());
        }
        summary.elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        return summary;
    }

    /** Directories recursively, in name order; symbolic links to directories are not followed (no loops). */
    private void walk(Path dir) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(children::add);
        } catch (IOException | RuntimeException e) {
            summary.unreadable++;
            summary.note(dir + ": cannot list: " + e.getMessage());
            return;
        }
        children.sort(null);
        for (Path child : children) {
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                if (isMaildirTmp(child)) {
                    continue; // deliveries in progress (Maildir): not messages yet
                }
                walk(child);
            } else if (Files.isRegularFile(child)) {
                file(child, false);
            }
        }
    }

    private void file(Path file, boolean named) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!named && name.startsWith(".")) {
            summary.skip("hidden files");
            return;
        }
        Kind kind;
        try {
            kind = kindOf(file, name);
        } catch (IOException e) {
            summary.unreadable++;
            summary.note(file + ": cannot read: " + e.getMessage());
            return;
        }
        if (kind == null) {
            summary.skip("not an e-mail, mbox or report");
            summary.note(file + ": skipped: not an e-mail, mbox or report");
            return;
        }
        summary.files++;
        try {
            if (kind == Kind.MBOX) {
                mbox(file);
                return;
            }
            long size = Files.size(file);
            if (size > maxMessageSize) {
                summary.messages++;
                summary.tooLarge++;
                summary.note(file + ": too large (" + size + " bytes; tlsrpt.smtp.max-message-size is "
                        + maxMessageSize + ")");
                progress();
                return;
            }
            byte[] raw = Files.readAllBytes(file);
            store(raw, kind == Kind.EMAIL ? emailChannel : Channel.FILE, null, file.toString());
        } catch (IOException e) {
            summary.unreadable++;
            summary.note(file + ": cannot read: " + e.getMessage());
        }
    }

    private void mbox(Path file) throws IOException {
        try (MboxSplitter mbox = new MboxSplitter(Files.newInputStream(file), maxMessageSize)) {
            MboxSplitter.Message m;
            while ((m = mbox.next()) != null) {
                String source = file + " #" + m.index();
                if (m.tooLarge()) {
                    summary.messages++;
                    summary.tooLarge++;
                    summary.note(source + ": too large (over " + maxMessageSize + " bytes)");
                    progress();
                    continue;
                }
                store(m.bytes(), emailChannel, m.sender(), source);
            }
        }
    }

    private void store(byte[] raw, String channel, String sender, String source) {
        summary.messages++;
        try {
            Optional<Long> existing = messages.findBySha256(sha256(raw));
            if (existing.isPresent()) {
                summary.alreadyImported++;
                return;
            }
            Acceptance a = receiver.storeHeld(channel, new Envelope(Instant.now(), null, null, sender, List.of()),
                    raw);
            if (a instanceof Acceptance.Unavailable u) {
                throw new StoreUnavailable(u.reason() + " (at " + source + ")");
            }
            long id = ((Acceptance.Accepted) a).messageId();
            Optional<MessageOutcome> outcome;
            try {
                outcome = processor.process(id);
            } catch (RuntimeException e) {
                outcome = Optional.empty();
            }
            if (outcome.isEmpty()) {
                summary.failed++;
                summary.note(source + ": stored as message " + id + ", processing failed: the collector tries"
                        + " again");
                return;
            }
            count(outcome.get(), source);
        } catch (io.tlsrpt.collector.store.StoreUnavailableException e) {
            throw new StoreUnavailable(e.getMessage());
        } finally {
            progress();
        }
    }

    private void count(MessageOutcome o, String source) {
        if (MessageStore.RECEIVED.equals(o.state())) {
            summary.waiting++;
            return;
        }
        summary.reportsStored += o.stored();
        summary.duplicates += o.duplicates();
        if (MessageStore.QUARANTINED.equals(o.state())) {
            summary.quarantinedMessages++;
        }
        for (MessageOutcome.Problem p : o.problems()) {
            summary.quarantinedByCode.merge(p.code(), 1L, Long::sum);
            summary.note(source + ": quarantined (" + p.code() + "): " + oneLine(p.reason()));
        }
    }

    private void progress() {
        long now = System.nanoTime();
        boolean byCount = progressEvery > 0 && summary.messages - lastProgressCount >= progressEvery;
        boolean byTime = now - lastProgressNanos >= progressInterval.toNanos();
        if (byCount || byTime) {
            summary.elapsed = Duration.ofNanos(now - startNanos);
            progressOut.println(summary.progress());
            progressOut.flush();
            lastProgressCount = summary.messages;
            lastProgressNanos = now;
        }
    }

    /**
     * What a file is: by its place (a Maildir's cur/ and new/ hold e-mails), by its name ({@code .eml},
     * {@code .mbox}, {@code .json}, {@code .json.gz}, {@code .gz}, {@code .zip}), else by its first bytes (an
     * mbox "From " line, gzip or zip magic, a JSON object, a mail header field). Null: none of these.
     */
    static Kind kindOf(Path file, String name) throws IOException {
        if (isInMaildir(file)) {
            return Kind.EMAIL;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".eml")) {
            return Kind.EMAIL;
        }
        if (n.endsWith(".mbox") || n.endsWith(".mbx")) {
            return Kind.MBOX;
        }
        if (n.endsWith(".json") || n.endsWith(".gz") || n.endsWith(".zip")) {
            return Kind.REPORT_FILE;
        }
        byte[] head;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        if (MboxSplitter.looksLikeMbox(head)) {
            return Kind.MBOX;
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
                || head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4
                || firstSignificant(head) == '{') {
            return Kind.REPORT_FILE;
        }
        return startsWithHeaderField(head) ? Kind.EMAIL : null;
    }

    private static boolean isInMaildir(Path file) {
        Path parent = file.getParent();
        if (parent == null || parent.getFileName() == null) {
            return false;
        }
        String p = parent.getFileName().toString();
        return (p.equals("cur") || p.equals("new")) && isMaildir(parent.getParent());
    }

    private static boolean isMaildirTmp(Path dir) {
        return dir.getFileName() != null && dir.getFileName().toString().equals("tmp") && isMaildir(dir.getParent());
    }

    private static boolean isMaildir(Path dir) {
        return dir != null && Files.isDirectory(dir.resolve("cur")) && Files.isDirectory(dir.resolve("new"));
    }

    /** "Name: value" on the first line (RFC 5322 §2.2: printable US-ASCII but colon, then a colon). */
    private static boolean startsWithHeaderField(byte[] head) {
        int i = 0;
        while (i < head.length && head[i] >= 33 && head[i] <= 126 && head[i] != ':') {
            i++;
        }
        return i > 0 && i < head.length && head[i] == ':';
    }

    private static int firstSignificant(byte[] b) {
        int i = b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf ? 3 : 0;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i < b.length ? b[i] & 0xff : -1;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("[\\p{Cntrl}]", " ");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
