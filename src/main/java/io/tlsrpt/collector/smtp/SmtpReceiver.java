package io.tlsrpt.collector.smtp;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.ingest.Health;
import io.tlsrpt.collector.ingest.Receiver;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.SMTPServer;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The embedded SMTP server (SubEthaSMTP), started with the application. */
@Context
@Requires(property = "tlsrpt.smtp.enabled", notEquals = "false")
public class SmtpReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpReceiver.class);

    private final SMTPServer server;

    public SmtpReceiver(SmtpSettings settings, Receiver receiver, Health health) throws UnknownHostException {
        RecipientPolicy recipients = new RecipientPolicy(settings.recipients());
        if (recipients.acceptsAny()) {
            LOG.warn("tlsrpt.smtp.recipients is empty: mail to ANY recipient is accepted. "
                    + "Set it to your rua address(es), e.g. TLSRPT_SMTP_RECIPIENTS=tlsrpt@reports.example.com");
        }
        int maxSize = (int) Math.min(Integer.MAX_VALUE, settings.maxMessageSize());
        long deadline = settings.dataTimeout() * 1000L;
        this.server = SMTPServer.port(settings.port())
                .bindAddress(InetAddress.getByName(settings.host()))
                .hostName(settings.hostname())
                .softwareName("tlsrpt-collector")
                .maxMessageSize(maxSize)
                .maxRecipients(settings.maxRecipients())
                .maxConnections(1000)
                .connectionTimeoutMs(settings.connectionTimeout() * 1000)
                // The stored bytes are exactly what the sender sent; the envelope is kept in columns instead.
                .insertReceivedHeaders(false)
                .messageHandlerFactory(ctx -> new ReportMessageHandler(ctx, receiver, recipients,
                        settings.maxMessageSize(), deadline))
                .build();
        server.start();
        health.smtpStarted(server::isRunning);
        LOG.info("SMTP listening on {}:{}", settings.host(), port());
    }

    /** The port listened on (the one chosen when the setting is 0). */
    public int port() {
        return server.getPortAllocated();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    @PreDestroy
    void stop() {
        server.stop();
    }
}
