package io.tlsrpt.collector.store.view;

import java.time.LocalDate;

/** A policy as a reporter saw it (policy-string and mx-host as sent, lines joined by LF), and when. */
public record SeenPolicy(String policyDomain, String policyType, String policyString, String mxHost,
                         String organization, long reports, LocalDate firstDay, LocalDate lastDay) {
}
