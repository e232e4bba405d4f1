package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.TrustedNetworks;
import io.tlsrpt.collector.ingest.ClientRateLimiter;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.config.SmtpTlsSettings;
import io.tlsrpt.collector.ingest.Health;
import io.tlsrpt.collector.ingest.Receiver;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.SMTPServer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The embedded SMTP server (SubEthaSMTP), started with the application, with its limits (connections in total and
 * per client, message rate per client, command and DATA time-outs, message size, memory for messages in flight) and
 * STARTTLS when {@code tlsrpt.smtp.tls.*} names a certificate and key.
 */
@Context
@Requires(property = "tlsrpt.smtp.enabled", notEquals = "false")
public class SmtpReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpReceiver.class);

    private final SMTPServer server;
    private final ConnectionLimiter connections;
    private final ScheduledThreadPoolExecutor deadlines = dataDeadlines();

    public SmtpReceiver(SmtpSettings settings, SmtpTlsSettings tls, Receiver receiver, Health health)
            throws UnknownHostException {
        check(settings.maxConnections() >= 1, "tlsrpt.smtp.max-connections must be at least 1");
        check(settings.maxConnectionsPerIp() >= 0, "tlsrpt.smtp.max-connections-per-ip must be 0 (no limit) or more");
        check(settings.maxMessagesPerIpPerMinute() >= 0,
                "tlsrpt.smtp.max-messages-per-ip-per-minute must be 0 (no limit) or more");
        check(settings.connectionTimeout() >= 1, "tlsrpt.smtp.connection-timeout must be at least 1 second");
        check(settings.dataTimeout() >= 1, "tlsrpt.smtp.data-timeout must be at least 1 second");
        check(settings.maxMessageSize() >= 1, "tlsrpt.smtp.max-message-size must be at least 1 byte");

        RecipientPolicy recipients = new RecipientPolicy(settings.recipients());
        if (recipients.acceptsAny()) {
            LOG.warn("tlsrpt.smtp.recipients is empty: mail to ANY recipient is accepted. "
                    + "Set it to your rua address(es), e.g. TLSRPT_SMTP_RECIPIENTS=tlsrpt@reports.example.com");
        }
        TrustedNetworks trusted = TrustedNetworks.parse(settings.trustedNetworks());
        StartTls startTls = startTls(tls);
        RefusalLog refusals = new RefusalLog();
        String hostname = Replies.printable(settings.hostname());
        InFlightBudget inFlight = new InFlightBudget(Math.max(InFlightBudget.fromHeap().limit(),
                2 * settings.maxMessageSize()));
        SessionRules rules = new SessionRules(hostname, recipients, settings.maxMessageSize(),
                settings.dataTimeout() * 1000L, settings.connectionTimeout() * 1000, trusted,
                new ClientRateLimiter(settings.maxMessagesPerIpPerMinute(), System::nanoTime), inFlight, refusals,
                deadlines);
        this.connections = new ConnectionLimiter(settings.maxConnections(), settings.maxConnectionsPerIp(), trusted,
                hostname, refusals);

        int maxSize = (int) Math.min(Integer.MAX_VALUE, settings.maxMessageSize());
        SMTPServer.Builder builder = SMTPServer.port(settings.port())
                .bindAddress(InetAddress.getByName(settings.host()))
                .hostName(settings.hostname())
                .softwareName("tlsrpt-collector")
                .maxMessageSize(maxSize)
                .maxRecipients(settings.maxRecipients())
                // Our limiter refuses strangers at max-connections; SubEthaSMTP's own cap only stops trusted
                // clients, past their reserve.
                .maxConnections(settings.maxConnections() + ConnectionLimiter.TRUSTED_RESERVE)
                .sessionHandler(connections)
                .connectionTimeoutMs(settings.connectionTimeout() * 1000)
                // The stored bytes are exactly what the sender sent; the envelope is kept in columns instead.
                .insertReceivedHeaders(false)
                .messageHandlerFactory(ctx -> new ReportMessageHandler(ctx, receiver, rules));
        if (startTls != null) {
            // Offered, never required: reports must get through even when a sender's TLS fails.
            builder.enableTLS(true).requireTLS(false).hideTLS(false).startTlsSocketFactory(startTls);
        }
        this.server = builder.build();
        server.start();
        health.smtpStarted(server::isRunning);
        LOG.info("SMTP listening on {}:{}; STARTTLS {}; at most {} connections ({} per client), {} messages per "
                        + "client a minute, {} s silence, {} s per DATA, {} bytes per message; trusted: {}",
                settings.host(), port(), startTls == null ? "off" : "on", settings.maxConnections(),
                limit(settings.maxConnectionsPerIp()), limit(settings.maxMessagesPerIpPerMinute()),
                settings.connectionTimeout(), settings.dataTimeout(), settings.maxMessageSize(), trusted);
    }

    private static StartTls startTls(SmtpTlsSettings tls) {
        if (tls == null || !tls.configured()) {
            return null;
        }
        String cert = tls.certificate();
        String key = tls.privateKey();
        if (cert == null || cert.isBlank() || key == null || key.isBlank()) {
            String message = "STARTTLS needs both " + PemTls.CERT_SETTING + " and " + PemTls.KEY_SETTING
                    + " (TLSRPT_SMTP_TLS_CERTIFICATE, TLSRPT_SMTP_TLS_PRIVATE_KEY); only "
                    + (cert == null || cert.isBlank() ? PemTls.KEY_SETTING : PemTls.CERT_SETTING) + " is set";
            LOG.error(message);
            throw new IllegalStateException(message);
        }
        try {
            return StartTls.load(Path.of(cert.trim()), Path.of(key.trim()));
        } catch (PemTls.TlsSetupException | java.nio.file.InvalidPathException e) {
            // Stop rather than run without the TLS the operator asked for: the log line scrolls away, a failed
            // start does not, and senders keep the reports queued and retry meanwhile.
            String message = "STARTTLS cannot be set up, the SMTP receiver does not start: " + e.getMessage();
            LOG.error(message);
            throw new IllegalStateException(message, e);
        }
    }

    private static String limit(int n) {
        return n == 0 ? "no limit" : String.valueOf(n);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The port listened on (the one chosen when the setting is 0). */
    public int port() {
        return server.getPortAllocated();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** Connections counted by the limits right now. */
    public int activeConnections() {
        return connections.activeConnections();
    }

    /** DATA deadlines scheduled and not yet run or removed: 0 between messages (see {@link #dataDeadlines}). */
    int pendingDataDeadlines() {
        return deadlines.getQueue().size();
    }

    /**
     * One timer thread for the deadline of every DATA transfer. A transfer that ends in time cancels its deadline,
     * and a cancelled task must leave the queue at once: by default it stays there until its delay has passed
     * (tlsrpt.smtp.data-timeout, 600 s), so at 200 messages a second 120,000 dead timers (about 15 MB) were held at
     * any time, and the heap grew through the whole 10-minute soak.
     */
    private static ScheduledThreadPoolExecutor dataDeadlines() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "smtp-data-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @PreDestroy
    void stop() {
        server.stop();
        deadlines.shutdownNow();
    }
}
