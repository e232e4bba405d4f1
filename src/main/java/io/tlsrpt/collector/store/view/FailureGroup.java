package io.tlsrpt.collector.store.view;

import java.time.LocalDate;
import java.util.List;

/**
 * Failure details that share policy domain, policy type, result type and receiving MX (normalised): what is broken
 * where, summed over the period. Who reported it and between which addresses are listed as seen on the group's
 * last day in the period (at most {@link #MEMBERS} of each): the current state, bounded whatever the period.
 * Empty strings stand for values the senders left out.
 */
public record FailureGroup(String domain, String policyType, String resultType, String receivingMx,
                           long sessions, long details, LocalDate firstDay, LocalDate lastDay,
                           List<String> organizations, List<String> receivingIps, List<String> sendingMtaIps) {
    /** The most reporters, receiving IPs and sending IPs listed per group. */
    public static final int MEMBERS = 20;
}
