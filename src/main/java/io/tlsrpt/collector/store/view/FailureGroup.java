package io.tlsrpt.collector.store.view;

import java.time.LocalDate;
import java.util.List;

/**
 * Failure details that share policy domain, policy type, result type, receiving MX (normalised), receiving IP
 * and sending MTA IP: what is broken where. Empty strings stand for values the senders left out.
 */
public record FailureGroup(String domain, String policyType, String resultType, String receivingMx,
                           String receivingIp, String sendingMtaIp, long sessions, long details,
                           List<String> organizations, LocalDate firstDay, LocalDate lastDay) {
}
