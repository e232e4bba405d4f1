package io.tlsrpt.collector.ingest;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.tlsrpt.collector.config.LimitSettings;
import io.tlsrpt.collector.config.ProcessingSettings;
import io.tlsrpt.collector.mail.ReportFinder;
import io.tlsrpt.collector.report.ParseLimits;
import io.tlsrpt.collector.store.Database;
import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.ProcessingWriter;
import jakarta.inject.Singleton;

import java.util.Optional;

/** Processing as usual, 50 ms slower a message: mail arrives faster than it is processed, as in a burst. */
@Singleton
@Replaces(MessageProcessor.class)
@Requires(property = "test.slow-processor", value = "true")
public class SlowProcessor extends MessageProcessor {
    public SlowProcessor(MessageStore messages, Database db, ProcessingWriter writer, ReportFinder finder,
                         ParseLimits parseLimits, LimitSettings limits, ProcessingSettings processing,
                         ApplicationEventPublisher<ReportsStored> events, Trust trust,
            RunsInFlight runs) {
        super(messages, db, writer, finder, parseLimits, limits, processing, events, trust, runs);
    }

    @Override
    public Optional<MessageOutcome> process(long messageId) {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return super.process(messageId);
    }
}
