package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.config.DkimConfig;
import io.tlsrpt.collector.dkim.DkimResult;
import io.tlsrpt.collector.dkim.DkimStatus;
import io.tlsrpt.collector.dkim.DkimVerifier;
import io.tlsrpt.collector.mail.MessageFacts;
import io.tlsrpt.collector.store.DkimColumns;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far a report e-mail can be trusted: DKIM (RFC 8460 §3: a report sent by mail MUST carry a valid DKIM
 * signature of the reporting domain, and one without MUST be ignored) and whether it is about one of our own domains
 * (§7). Under {@code tlsrpt.dkim.policy=flag} an unauthenticated report is kept and marked; under {@code require} it
 * is quarantined. A key that cannot be fetched now is not a failure: the message waits and is tried again.
 */
@Singleton
public class Trust {
    private static final Pattern ADDRESS_DOMAIN = Pattern.compile("@([A-Za-z0-9._-]+)>?\\s*$");

    private final DkimVerifier verifier;
    private final DkimConfig config;
    private final OwnDomains ownDomains;

    public Trust(DkimVerifier verifier, DkimConfig config, OwnDomains ownDomains) {
        this.verifier = verifier;
        this.config = config;
        this.ownDomains = ownDomains;
    }

    /**
     * @param defer      the signing key could not be fetched and the retry window is still open: process later
     * @param refusal    non-null when the policy is {@code require} and the report is not authenticated: the reason
     */
    public record Verdict(DkimColumns dkim, boolean authenticated, boolean defer, Instant retryAt, String refusal) {
        static final Verdict NOTHING_TO_JUDGE = new Verdict(DkimColumns.NONE, false, false, null, null);
    }

    public Verdict judge(byte[] raw, MessageFacts facts, String channel, Instant receivedAt, Instant now) {
        DkimResult r = Channel.judgesDkim(channel)
                // x= is judged at receipt, so that a retry or a re-processing later does not expire a valid signature.
                ? verifier.verify(raw, domainOf(facts.from()), facts.tlsReportSubmitter(), receivedAt)
                : DkimResult.notJudged(Channel.isBareReport(channel) ? "a report that came without an e-mail has "
                + "no DKIM signature" : "imported without judging DKIM (old mail is signed with rotated keys)");
        DkimColumns columns = new DkimColumns(r.status().name().toLowerCase(Locale.ROOT), r.domain(), r.selector(),
                r.alignedWithFrom(), r.alignedWithSubmitter(), r.keyAllowsTlsrpt(), r.reason());
        if (r.status() == DkimStatus.TEMPERROR && now.isBefore(receivedAt.plus(config.retryFor()))) {
            return new Verdict(columns, false, true, now.plus(config.retryInterval()), null);
        }
        // "Signed by the reporting domain": the signing domain matches the submitter's (or, without a
        // TLS-Report-Submitter, the From domain), a subdomain either way (corp.mail.ru signs for mail.ru).
        boolean aligned = facts.tlsReportSubmitter() != null ? r.alignedWithSubmitter() : r.alignedWithFrom();
        boolean authenticated = r.status() == DkimStatus.PASS && aligned && !r.usesBodyLengthLimit();
        String refusal = null;
        // The policy is about e-mailed reports (RFC 8460 §3); HTTPS reports and deliberate imports carry none.
        if (config.required() && !authenticated && Channel.judgesDkim(channel)) {
            refusal = "no valid DKIM signature of the reporting domain (tlsrpt.dkim.policy=require): "
                    + (r.status() == DkimStatus.PASS ? (r.usesBodyLengthLimit() ? "signature uses l=, which RFC 8460 "
                    + "§3 forbids" : "signed by " + r.domain() + ", which is not the reporting domain") : r.reason());
        }
        return new Verdict(columns, authenticated, false, null, refusal);
    }

    public boolean isForeign(String domain) {
        return ownDomains.isForeign(domain);
    }

    /** The domain of the (last) address in a From header, lower-case; null when there is none. */
    static String domainOf(String from) {
        if (from == null) {
            return null;
        }
        Matcher m = ADDRESS_DOMAIN.matcher(from.trim());
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }
}
