package io.tlsrpt.collector.durability;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.tlsrpt.collector.config.LimitSettings;
import io.tlsrpt.collector.config.ProcessingSettings;
import io.tlsrpt.collector.ingest.MessageOutcome;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Processing that holds each message until {@link #RELEASE} opens, counting the messages inside at once in
 * {@link #INSIDE}: shows how many workers process at the same time.
 */
@Singleton
@Replaces(MessageProcessor.class)
@Requires(property = "test.concurrent-processor", value = "true")
public class ConcurrentProcessor extends MessageProcessor {
    static volatile CountDownLatch INSIDE = new CountDownLatch(3);
    static volatile CountDownLatch RELEASE = new CountDownLatch(1);

    public ConcurrentProcessor(MessageStore messages, Database db, ProcessingWriter writer, ReportFinder finder,
                               ParseLimits parseLimits, LimitSettings limits, ProcessingSettings processing,
                               ApplicationEventPublisher<ReportsStored> events, Trust trust,
            RunsInFlight runs) {
        super(messages, db, writer, finder, parseLimits, limits, processing, events, trust, runs);
    }

    @Override
    public Optional<MessageOutcome> process(long messageId) {
        INSIDE.countDown();
        try {
            RELEASE.await(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return super.process(messageId);
    }
}
