package io.tlsrpt.collector.e2e;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.tlsrpt.collector.config.LimitSettings;
import io.tlsrpt.collector.config.ProcessingSettings;
import io.tlsrpt.collector.ingest.MessageOutcome;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.tlsrpt.collector.ingest.MessageProcessor;
import io.tlsrpt.collector.ingest.ReportsStored;
import io.tlsrpt.collector.ingest.RunsInFlight;
import io.tlsrpt.collector.ingest.Trust;
import io.tlsrpt.collector.mail.ReportFinder;
import io.tlsrpt.collector.report.ParseLimits;
import io.tlsrpt.collector.store.Database;
import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.ProcessingWriter;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A processing step that always fails after the message was stored, as a crash or a bug would. */
@Singleton
@Replaces(MessageProcessor.class)
@Requires(property = "test.failing-processor", value = "true")
public class FailingProcessor extends MessageProcessor {
    static final AtomicInteger CALLS = new AtomicInteger();

    public FailingProcessor(MessageStore messages, Database db, ProcessingWriter writer, ReportFinder finder,
                            ParseLimits parseLimits, LimitSettings limits, ProcessingSettings processing,
                            ApplicationEventPublisher<ReportsStored> events, Trust trust,
            RunsInFlight runs) {
        super(messages, db, writer, finder, parseLimits, limits, processing, events, trust, runs);
    }

    @Override
    public Optional<MessageOutcome> process(long messageId) {
        CALLS.incrementAndGet();
        throw new IllegalStateException("processing failed after the message was stored");
    }
}
