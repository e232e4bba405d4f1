package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.TrustedNetworks;
import io.tlsrpt.collector.ingest.ClientRateLimiter;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every transaction is checked against, built once by {@link SmtpReceiver}.
 *
 * @param hostname          our name, in replies that close the connection
 * @param recipients        accepted RCPT TO addresses
 * @param maxMessageSize    bytes of DATA (552 5.3.4)
 * @param dataDeadlineMillis a whole DATA transfer (421 4.4.2; a silent client is noticed at the next socket
 *                          time-out, so at most idleTimeoutMillis later)
 * @param idleTimeoutMillis  silence within DATA (421 4.4.2), the same as between commands
 * @param trusted           relays: exempt from per-client limits, their topmost Received header names the sender
 * @param messageRate       messages per client per minute (451 4.7.1)
 * @param inFlight          bytes of DATA held in memory by all sessions (452 4.3.1)
 * @param refusals          throttled logging of refusals
 * @param deadlines         the timer that marks DATA deadlines
 */
record SessionRules(String hostname, RecipientPolicy recipients, long maxMessageSize, long dataDeadlineMillis,
                    int idleTimeoutMillis, TrustedNetworks trusted, ClientRateLimiter messageRate,
                    InFlightBudget inFlight, RefusalLog refusals,
                    ScheduledExecutorService deadlines) {
}
