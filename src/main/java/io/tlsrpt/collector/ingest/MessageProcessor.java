package io.tlsrpt.collector.ingest;

import io.micronaut.context.event.ApplicationEventPublisher;
import io.tlsrpt.collector.config.LimitSettings;
import io.tlsrpt.collector.config.ProcessingSettings;
import io.tlsrpt.collector.mail.FoundReports;
import io.tlsrpt.collector.mail.PartProblem;
import io.tlsrpt.collector.mail.ReportFinder;
import io.tlsrpt.collector.mail.ReportPart;
import io.tlsrpt.collector.mail.ReportTooLargeException;
import io.tlsrpt.collector.report.ParseLimits;
import io.tlsrpt.collector.report.ParseOutcome;
import io.tlsrpt.collector.report.ReportParser;
import io.tlsrpt.collector.store.Database;
import io.tlsrpt.collector.store.DkimColumns;
import io.tlsrpt.collector.store.MessageHeaders;
import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.ProcessingWriter;
import io.tlsrpt.collector.store.ReportRow;
import io.tlsrpt.collector.store.StoreOutcome;
import io.tlsrpt.collector.store.StoreUnavailableException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Processing of one stored raw message: find the reports in it, parse them, and store them (or record duplicates,
 * or quarantine with a reason) in one transaction. Idempotent: a second run replaces what the first stored.
 */
@Singleton
public class MessageProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(MessageProcessor.class);

    private final MessageStore messages;
    private final Database db;
    private final ProcessingWriter writer;
    private final ReportFinder finder;
    private final ReportParser parser = new ReportParser();
    private final ParseLimits parseLimits;
    private final long maxReportSize;
    private final int maxAttempts;
    private final Clock clock;
    private final ApplicationEventPublisher<ReportsStored> events;
    private final Trust trust;
    private final RunsInFlight runs;
    private volatile List<IngestListener> listeners = List.of();

    public MessageProcessor(MessageStore messages, Database db, ProcessingWriter writer, ReportFinder finder,
                            ParseLimits parseLimits, LimitSettings limits, ProcessingSettings processing,
                            ApplicationEventPublisher<ReportsStored> events, Trust trust, RunsInFlight runs) {
        this.trust = trust;
        this.runs = runs;
        this.messages = messages;
        this.db = db;
        this.writer = writer;
        this.finder = finder;
        this.parseLimits = parseLimits;
        this.maxReportSize = limits.maxReportSize();
        this.maxAttempts = processing.maxAttempts();
        this.clock = Clock.systemUTC();
        this.events = events;
    }

    /** Every {@link IngestListener} bean (the metrics), told of each processed message. */
    @Inject
    void setListeners(List<IngestListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Processes the message; an unexpected error leaves it for the next sweep, and after
     * {@code tlsrpt.processing.max-attempts} such errors it is quarantined with the error as its reason. A database
     * error counts as such an error when the same message will meet it again (a data exception, a constraint, a
     * statement refused); a database that is down, closed or locked ({@link StoreUnavailableException#isTransient()})
     * is not counted: the message waits for the next sweep however long that takes.
     */
    public Optional<MessageOutcome> process(long messageId) {
        try {
            Optional<MessageStore.Stored> stored = messages.load(messageId);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(process(stored.get()));
        } catch (StoreUnavailableException e) {
            if (e.isTransient()) {
                // The database's state, not the message's: not counted, the next sweep tries again.
                LOG.warn("message {}: database unavailable, will retry: {}", messageId, e.getMessage());
                return Optional.empty();
            }
            // An SQL error this message will meet again (a value or constraint the database refuses): counted.
            return failed(messageId, e);
        } catch (RuntimeException e) {
            return failed(messageId, e);
        }
    }

    /** Counts a failed attempt; quarantines the message with the error as its reason after max-attempts. */
    private Optional<MessageOutcome> failed(long messageId, RuntimeException e) {
        LOG.error("message {}: processing failed", messageId, e);
        int attempts = messages.recordFailedAttempt(messageId, e.toString());
        if (attempts >= maxAttempts) {
            return Optional.of(store(messageId, new MessageHeaders(null, null, null, null, null, null),
                    DkimColumns.NONE, List.of(), List.of(new MessageOutcome.Problem(null, null, "processing-error",
                            "processing failed " + attempts + " times: " + e))));
        }
        return Optional.empty();
    }

    private MessageOutcome process(MessageStore.Stored message) {
        long messageId = message.id();
        byte[] raw = message.body();
        FoundReports found = Channel.find(finder, message.channel(), raw);
        var f = found.facts();
        MessageHeaders headers = new MessageHeaders(f.subject(), f.from(), f.messageId(), f.date(),
                f.tlsReportDomain(), f.tlsReportSubmitter());
        Instant now = clock.instant();
        Trust.Verdict verdict = found.parts().isEmpty() ? Trust.Verdict.NOTHING_TO_JUDGE
                : trust.judge(raw, f, message.channel(), message.receivedAt(), now);
        if (verdict.defer()) {
            db.inTransaction(c -> {
                writer.defer(c, messageId, verdict.dkim(), verdict.retryAt());
                return null;
            });
            return new MessageOutcome(messageId, MessageStore.RECEIVED, 0, 0, List.of());
        }
        List<ReportRow> rows = new ArrayList<>();
        List<MessageOutcome.Problem> problems = new ArrayList<>();
        for (PartProblem p : found.problems()) {
            problems.add(new MessageOutcome.Problem(p.index() < 0 ? null : p.index(), p.fileName(), "unreadable-part",
                    p.reason()));
        }
        for (ReportPart part : found.parts()) {
            ParseOutcome outcome = parse(part);
            if (outcome instanceof ParseOutcome.Parsed ok) {
                String domain = ReportMapper.reportDomain(f.tlsReportDomain(), f.subjectDomain(), part.fileName(),
                        ok.report());
                ReportMapper.Mapped mapped = ReportMapper.toRow(messageId, part.index(), part.fileName(), domain,
                        ok.report(), ok.notes(), verdict.authenticated(), trust.isForeign(domain));
                if (verdict.refusal() != null) {
                    problems.add(new MessageOutcome.Problem(part.index(), part.fileName(), "dkim",
                            verdict.refusal()));
                } else if (mapped.row() != null) {
                    rows.add(mapped.row());
                } else {
                    problems.add(new MessageOutcome.Problem(part.index(), part.fileName(), mapped.code(),
                            mapped.reason()));
                }
            } else if (outcome instanceof ParseOutcome.Unusable bad) {
                problems.add(new MessageOutcome.Problem(part.index(), part.fileName(), bad.code(), bad.detail()));
            }
        }
        if (found.parts().isEmpty() && problems.isEmpty()) {
            problems.add(new MessageOutcome.Problem(null, null, "no-report",
                    "no TLS report found in the message (no gzip, zip or JSON part)"));
        }
        return store(messageId, headers, verdict.dkim(), rows, problems);
    }

    private ParseOutcome parse(ReportPart part) {
        RecordingInputStream in;
        try {
            in = new RecordingInputStream(part.openJson(maxReportSize));
        } catch (IOException e) {
            return ioProblem(e);
        }
        try (InputStream ignored = in) {
            ParseOutcome outcome = parser.parse(in, parseLimits);
            if (outcome instanceof ParseOutcome.Unusable && in.failure() != null) {
                return ioProblem(in.failure());
            }
            return outcome;
        } catch (IOException e) {
            return ioProblem(e);
        }
    }

    private ParseOutcome.Unusable ioProblem(IOException e) {
        if (e instanceof ReportTooLargeException) {
            return new ParseOutcome.Unusable("report-too-large", e.getMessage());
        }
        if (e instanceof EOFException || String.valueOf(e.getMessage()).contains("truncated")) {
            return new ParseOutcome.Unusable("truncated", "compressed report is truncated: " + e.getMessage());
        }
        return new ParseOutcome.Unusable("unreadable", "cannot decompress the report: " + e.getMessage());
    }

    private MessageOutcome store(long messageId, MessageHeaders headers, DkimColumns dkim, List<ReportRow> rows,
                                 List<MessageOutcome.Problem> problems) {
        Instant now = clock.instant();
        MessageOutcome outcome;
        runs.begin(now); // until the commit: the spool's clean-up must not count this run as checkpointed
        try {
            outcome = write(messageId, headers, dkim, rows, problems, now);
        } finally {
            runs.end(now);
        }
        for (IngestListener l : listeners) {
            try {
                l.processed(messageId, outcome.state());
            } catch (RuntimeException e) {
                LOG.warn("ingest listener failed: {}", e.toString());
            }
        }
        Set<String> domains = new TreeSet<>();
        rows.forEach(r -> domains.add(r.reportDomain()));
        if (!domains.isEmpty()) {
            events.publishEventAsync(new ReportsStored(domains)); // look-ups never hold up ingestion
        }
        return outcome;
    }

    /** The run's one transaction: what an earlier run stored out, these reports, quarantine entries and state in. */
    private MessageOutcome write(long messageId, MessageHeaders headers, DkimColumns dkim, List<ReportRow> rows,
                                 List<MessageOutcome.Problem> problems, Instant now) {
        return db.inTransaction(c -> {
            int stored = 0;
            int duplicates = 0;
            try (ProcessingWriter.Batch batch = writer.replace(c, messageId)) {
                for (ReportRow row : rows) {
                    if (batch.store(row, now) instanceof StoreOutcome.Stored) {
                        stored++;
                    } else {
                        duplicates++;
                    }
                }
                batch.flush(); // the roll-ups: what an earlier run stored out, these reports in, in one pass
            }
            for (MessageOutcome.Problem p : problems) {
                writer.quarantine(c, messageId, p.partIndex(), p.fileName(), p.code(), p.reason(), now);
            }
            String state = stored + duplicates > 0 ? MessageStore.PROCESSED : MessageStore.QUARANTINED;
            writer.finish(c, messageId, headers, dkim, state, stored, duplicates, problems.size(), now);
            return new MessageOutcome(messageId, state, stored, duplicates, problems);
        });
    }
}
