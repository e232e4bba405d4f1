package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.config.LimitSettings;
import io.tlsrpt.collector.mail.FoundReports;
import io.tlsrpt.collector.mail.ReportFinder;
import io.tlsrpt.collector.mail.ReportPart;
import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.MessageStore;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The report JSON as the sender wrote it. It is not stored twice: the raw message is kept, and the part is found
 * and decompressed again when someone asks (the same code path as processing).
 */
@Singleton
public class ReportSource {
    /** Bytes of JSON shown on the report page; the download has all of it. */
    public static final int SHOWN_JSON_BYTES = 256 * 1024;

    private final DashboardQueries queries;
    private final MessageStore messages;
    private final ReportFinder finder;
    private final long maxReportSize;

    public ReportSource(DashboardQueries queries, MessageStore messages, ReportFinder finder, LimitSettings limits) {
        this.queries = queries;
        this.messages = messages;
        this.finder = finder;
        this.maxReportSize = limits.maxReportSize();
    }

    public Optional<ReportView> view(long reportId) {
        return queries.report(reportId).map(detail -> {
            Optional<byte[]> json = json(detail.report().messageId(), detail.report().partIndex(),
                    SHOWN_JSON_BYTES + 1);
            if (json.isEmpty()) {
                return new ReportView(detail, null, false);
            }
            byte[] b = json.get();
            boolean truncated = b.length > SHOWN_JSON_BYTES;
            int n = Math.min(b.length, SHOWN_JSON_BYTES);
            return new ReportView(detail, new String(b, 0, n, StandardCharsets.UTF_8), truncated);
        });
    }

    /** The whole JSON of a stored report, for download. */
    public Optional<byte[]> json(long reportId) {
        return queries.report(reportId)
                .flatMap(d -> json(d.report().messageId(), d.report().partIndex(), maxReportSize));
    }

    private Optional<byte[]> json(long messageId, int partIndex, long max) {
        Optional<MessageStore.Stored> stored = messages.load(messageId);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        FoundReports found = Channel.find(finder, stored.get().channel(), stored.get().body());
        for (ReportPart part : found.parts()) {
            if (part.index() == partIndex) {
                try (InputStream in = part.openJson(maxReportSize)) {
                    return Optional.of(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max)));
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
