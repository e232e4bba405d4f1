package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.util.List;

/**
 * {@code tlsrpt.smtp.*}: the embedded SMTP receiver.
 *
 * @param enabled        start the SMTP receiver at all
 * @param host           address to bind
 * @param port           port to listen on (0 picks a free port, as the tests do)
 * @param hostname       name in the banner and EHLO reply
 * @param recipients     accepted RCPT TO addresses: exact addresses or "@domain" entries; empty accepts any
 *                       recipient (a warning is logged at start)
 * @param maxMessageSize bytes; advertised in EHLO SIZE and enforced while DATA is read (552)
 * @param maxRecipients  RCPT TO commands per message
 * @param dataTimeout    seconds for a whole DATA transfer, whatever the per-read time-outs say
 * @param connectionTimeout seconds a client may stay silent
 */
@ConfigurationProperties("tlsrpt.smtp")
public record SmtpSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "0.0.0.0") String host,
        @Bindable(defaultValue = "2525") int port,
        @Bindable(defaultValue = "tlsrpt-collector") String hostname,
        @Bindable(defaultValue = "") List<String> recipients,
        @Bindable(defaultValue = "10485760") long maxMessageSize,
        @Bindable(defaultValue = "100") int maxRecipients,
        @Bindable(defaultValue = "600") int dataTimeout,
        @Bindable(defaultValue = "60") int connectionTimeout) {
}
