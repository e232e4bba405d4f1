package io.tlsrpt.collector.published;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.records.Finding;
import io.tlsrpt.collector.records.RecordsChecker;
import io.tlsrpt.collector.records.RecordsSnapshot;
import io.tlsrpt.collector.records.Severity;
import io.tlsrpt.collector.store.RecordHistoryStore;
import io.tlsrpt.collector.store.view.RecordVersion;
import io.tlsrpt.collector.store.view.StoredCheck;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks what a domain publishes, keeps each version of every record with first and last seen, adds the findings
 * that need that history, and keeps the latest check.
 */
@Singleton
public class PublishedRecords {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedRecords.class);

    private final RecordsChecker checker;
    private final RecordHistoryStore history;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    public PublishedRecords(RecordsChecker checker, RecordHistoryStore history, ObjectMapper json) {
        this.checker = checker;
        this.history = history;
        this.json = json;
    }

    /** Looks everything up now (DNS, HTTPS, STARTTLS), records what changed, and returns the result. */
    public DomainRecords check(String domain) {
        String d = normalize(domain);
        RecordsSnapshot snapshot = checker.check(d);
        Instant now = clock.instant();
        history.observe(d, RecordKinds.contents(snapshot), now);
        List<RecordVersion> versions = history.versions(d);
        List<Finding> findings = new ArrayList<>(snapshot.findings());
        findings.addAll(HistoryChecks.findings(d, versions));
        RecordsSnapshot complete = withFindings(snapshot, findings);
        int errors = (int) findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
        int warnings = (int) findings.stream().filter(f -> f.severity() == Severity.WARNING).count();
        try {
            history.saveCheck(d, now, errors, warnings, json.writeValueAsString(complete));
        } catch (JsonProcessingException e) {
            LOG.error("cannot store the check of {}: {}", d, e.getMessage());
        }
        return new DomainRecords(d, complete, versions);
    }

    /** The latest stored check, if the domain was ever checked. */
    public Optional<DomainRecords> latest(String domain) {
        String d = normalize(domain);
        Optional<StoredCheck> stored = history.check(d);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            RecordsSnapshot s = json.readValue(stored.get().snapshotJson(), RecordsSnapshot.class);
            return Optional.of(new DomainRecords(d, s, history.versions(d)));
        } catch (JsonProcessingException e) {
            // Written by an older version with another shape: the next check replaces it.
            LOG.warn("stored check of {} cannot be read: {}", d, e.getOriginalMessage());
            return Optional.empty();
        }
    }

    /** Domains with reports whose last check is older than {@code before}. */
    public List<String> due(Instant before, int limit) {
        return history.domainsToCheck(before, limit);
    }

    public Optional<Instant> lastChecked(String domain) {
        return history.lastChecked(normalize(domain));
    }

    static String normalize(String domain) {
        String d = domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    private static RecordsSnapshot withFindings(RecordsSnapshot s, List<Finding> findings) {
        return new RecordsSnapshot(s.domain(), s.checkedAt(), s.tlsrptTxt(), s.legacyTlsrptTxt(), s.mtaStsTxt(),
                s.policy(), s.mx(), s.tlsa(), s.probes(), s.tlsrpt(), s.mtaSts(), s.mtaStsPolicy(), findings);
    }

    /** The checks that need more than one look-up: RFC 8461 §3.1 says senders refetch only when the id changes. */
    static final class HistoryChecks {
        private HistoryChecks() {
        }

        static List<Finding> findings(String domain, List<RecordVersion> newestFirst) {
            List<RecordVersion> policies = newestFirst.stream()
                    .filter(v -> v.kind().equals(RecordKinds.POLICY)).toList();
            Optional<RecordVersion> txt = newestFirst.stream()
                    .filter(v -> v.kind().equals(RecordKinds.MTA_STS)).findFirst();
            if (policies.size() < 2 || txt.isEmpty() || policies.get(0).content().isEmpty()
                    || policies.get(1).content().isEmpty()) {
                return List.of();
            }
            RecordVersion current = policies.get(0);
            if (!current.firstSeen().isAfter(txt.get().firstSeen())) {
                return List.of();
            }
            String day = current.firstSeen().atZone(ZoneOffset.UTC).toLocalDate().toString();
            return List.of(new Finding("policy.id-unchanged", Severity.ERROR, "_mta-sts." + domain,
                    "The policy file changed (first seen " + day + ") but the _mta-sts TXT record, and so its id, "
                            + "did not. Senders keep the policy they cached until its id changes or max_age runs "
                            + "out (RFC 8461 §3.1), so many still apply the old one.",
                    "Change the id in _mta-sts." + domain + " every time the policy changes; the date and time "
                            + "make a good id, e.g. id=" + day.replace("-", "") + "T0000."));
        }
    }
}
