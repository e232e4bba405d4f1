package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.report.HostNames;

import java.util.List;
import java.util.Objects;

/**
 * The domains this collector receives reports for ({@code tlsrpt.domains}). A report about any other domain is
 * foreign (RFC 8460 §7: anyone can point a rua at you). A subdomain of an own domain is own (DANE policies name MX
 * hosts such as mx1.example.com).
 */
public final class OwnDomains {
    private final List<String> domains;

    public OwnDomains(List<String> domains) {
        this.domains = domains.stream().map(HostNames::normalize).filter(Objects::nonNull)
                .filter(d -> !d.isEmpty()).toList();
    }

    public boolean isForeign(String domain) {
        if (domains.isEmpty()) {
            return false;
        }
        String d = HostNames.normalize(domain);
        if (d == null) {
            return true;
        }
        return domains.stream().noneMatch(own -> d.equals(own) || d.endsWith("." + own));
    }
}
