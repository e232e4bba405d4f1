package io.tlsrpt.collector.metrics;

import io.micronaut.context.BeanProvider;
import io.tlsrpt.collector.config.MetricsSettings;
import io.tlsrpt.collector.imap.ImapWatcher;
import io.tlsrpt.collector.ingest.ProcessingQueue;
import io.tlsrpt.collector.report.ResultType;
import io.tlsrpt.collector.smtp.SmtpReceiver;
import io.tlsrpt.collector.store.MetricsQueries;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The text behind {@code GET /prometheus}. Counters read from the database are totals over everything stored
 * (they survive restarts); they are computed at most every {@code tlsrpt.metrics.refresh}. Gauges and the latency
 * histograms are of this process.
 */
@Singleton
public class PrometheusMetrics {
    private static final List<String> KNOWN_RESULTS = Arrays.stream(ResultType.Known.values())
            .map(k -> k.value).toList();

    private final MetricsQueries queries;
    private final MetricsSettings settings;
    private final IngestMetrics ingest;
    private final ProcessingQueue queue;
    private final BeanProvider<SmtpReceiver> smtp;
    private final BeanProvider<ImapWatcher> imap;
    private MetricsQueries.Snapshot cached;
    private long cachedAt;
    private long cachedAtMillis;

    public PrometheusMetrics(MetricsQueries queries, MetricsSettings settings, IngestMetrics ingest,
                             ProcessingQueue queue, BeanProvider<SmtpReceiver> smtp, BeanProvider<ImapWatcher> imap) {
        this.queries = queries;
        this.settings = settings;
        this.ingest = ingest;
        this.queue = queue;
        this.smtp = smtp;
        this.imap = imap;
    }

    /** The figures from the database, computed again when older than the refresh setting. */
    synchronized MetricsQueries.Snapshot snapshot() {
        long now = System.nanoTime();
        if (cached == null || now - cachedAt >= settings.refresh().toNanos()) {
            cached = queries.snapshot(settings.maxDomains(), KNOWN_RESULTS);
            cachedAt = now;
            cachedAtMillis = System.currentTimeMillis();
        }
        return cached;
    }

    public String render() {
        MetricsQueries.Snapshot s = snapshot();
        long computedAt;
        synchronized (this) {
            computedAt = cachedAtMillis;
        }
        Exposition out = new Exposition();

        out.family("tlsrpt_sessions_total", "counter", "TLS sessions reported, per policy domain and result "
                + "(success, or the failure's result type), over all reports stored. The " + settings.maxDomains()
                + " policy domains with the most sessions have their own series; the rest are summed under "
                + "policy_domain=\"" + MetricsQueries.OTHER_DOMAINS + "\". Result types outside RFC 8460 count as "
                + "\"" + MetricsQueries.OTHER_RESULT + "\".");
        for (MetricsQueries.SessionCount c : s.sessions()) {
            out.sample("tlsrpt_sessions_total", c.sessions(), "policy_domain", c.domain(), "result_type",
                    c.resultType());
        }
        out.family("tlsrpt_policy_domains", "gauge", "Policy domains with reports.");
        out.sample("tlsrpt_policy_domains", s.domains());

        out.family("tlsrpt_messages_received_total", "counter", "Raw messages stored, per channel.");
        for (Map.Entry<String, Long> e : s.messagesByChannel().entrySet()) {
            out.sample("tlsrpt_messages_received_total", e.getValue(), "channel", e.getKey());
        }
        out.family("tlsrpt_messages_quarantined_total", "counter",
                "Messages with a message or report part quarantined, per reason code.");
        for (Map.Entry<String, Long> e : s.quarantinedByCode().entrySet()) {
            out.sample("tlsrpt_messages_quarantined_total", e.getValue(), "code", e.getKey());
        }
        out.family("tlsrpt_messages_pending", "gauge", "Messages stored and not processed yet.");
        out.sample("tlsrpt_messages_pending", s.messagesPending());
        out.family("tlsrpt_reports_stored_total", "counter", "Reports stored (each report once).");
        out.sample("tlsrpt_reports_stored_total", s.reportsStored());
        out.family("tlsrpt_reports_duplicate_total", "counter", "Later arrivals of a report already stored.");
        out.sample("tlsrpt_reports_duplicate_total", s.duplicates());
        out.family("tlsrpt_alerts_total", "counter", "Alerts raised, per kind.");
        for (Map.Entry<String, Long> e : s.alertsByKind().entrySet()) {
            out.sample("tlsrpt_alerts_total", e.getValue(), "kind", e.getKey());
        }

        ingest.write(out);

        out.family("tlsrpt_processing_backlog", "gauge", "Stored messages queued for processing in this process.");
        out.sample("tlsrpt_processing_backlog", queue.backlog());
        out.family("tlsrpt_processing_queue_full_total", "counter",
                "Stored messages the full processing queue turned away to the sweep (tlsrpt.processing.queue-capacity).");
        out.sample("tlsrpt_processing_queue_full_total", queue.turnedAway());
        if (smtp.isPresent()) {
            out.family("tlsrpt_smtp_open_connections", "gauge", "SMTP connections open now.");
            out.sample("tlsrpt_smtp_open_connections", smtp.get().activeConnections());
        }
        if (imap.isPresent()) {
            ImapWatcher w = imap.get();
            out.family("tlsrpt_imap_connected", "gauge", "1 while the IMAP watcher is connected.");
            out.sample("tlsrpt_imap_connected", w.connected() ? 1 : 0);
            out.family("tlsrpt_imap_messages_total", "counter", "Messages stored from the IMAP folder by this process.");
            out.sample("tlsrpt_imap_messages_total", w.storedCount());
            out.family("tlsrpt_imap_errors_total", "counter", "IMAP connection and protocol errors in this process.");
            out.sample("tlsrpt_imap_errors_total", w.errorCount());
        }
        out.family("tlsrpt_metrics_computed_timestamp_seconds", "gauge",
                "When the figures read from the database were computed (tlsrpt.metrics.refresh).");
        out.sample("tlsrpt_metrics_computed_timestamp_seconds", computedAt / 1000.0);
        return out.toString();
    }
}
