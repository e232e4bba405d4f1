package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.util.List;

/**
 * {@code tlsrpt.smtp.*}: the embedded SMTP receiver. STARTTLS is configured apart, in {@link SmtpTlsSettings}.
 *
 * @param enabled        start the SMTP receiver at all
 * @param host           address to bind
 * @param port           port to listen on (0 picks a free port, as the tests do)
 * @param hostname       name in the banner and EHLO reply
 * @param recipients     accepted RCPT TO addresses: exact addresses or "@domain" entries; empty accepts any
 *                       recipient (a warning is logged at start)
 * @param maxMessageSize bytes; advertised in EHLO SIZE and enforced while DATA is read (552)
 * @param maxRecipients  RCPT TO commands per message
 * @param dataTimeout    seconds for a whole DATA transfer, whatever the per-read time-outs say (421 4.4.2)
 * @param connectionTimeout seconds a client may stay silent, between commands and within DATA (421)
 * @param maxConnections connections at once from all clients together; when reached, clients outside
 *                       {@code trustedNetworks} are refused with 421 4.7.0 (trusted clients keep a reserve)
 * @param maxConnectionsPerIp connections at once from one client IP address (IPv6: one /64); 421 4.7.0;
 *                       0 for no limit
 * @param maxMessagesPerIpPerMinute messages (MAIL FROM commands) per client IP address (IPv6: one /64) per
 *                       minute, as a token bucket that refills continuously; 451 4.7.1 with the seconds to wait;
 *                       0 for no limit
 * @param trustedNetworks client addresses or CIDR networks exempt from the per-IP limits, and whose topmost
 *                       {@code Received} header names the real sender (a relay such as a Postfix in front)
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
        @Bindable(defaultValue = "60") int connectionTimeout,
        @Bindable(defaultValue = "1000") int maxConnections,
        @Bindable(defaultValue = "20") int maxConnectionsPerIp,
        @Bindable(defaultValue = "60") int maxMessagesPerIpPerMinute,
        @Bindable(defaultValue = "127.0.0.0/8,::1/128") List<String> trustedNetworks) {
}
