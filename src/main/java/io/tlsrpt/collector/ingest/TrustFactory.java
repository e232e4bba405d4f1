package io.tlsrpt.collector.ingest;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.tlsrpt.collector.dkim.DkimVerifier;
import io.tlsrpt.collector.dkim.KeyLookup;
import io.tlsrpt.collector.records.DnsAnswer;
import io.tlsrpt.collector.records.Resolver;
import jakarta.inject.Singleton;

import java.util.List;

/** DKIM verification with keys looked up through the {@code tlsrpt.dns.servers} resolvers, and the own domains. */
@Factory
class TrustFactory {
    @Singleton
    DkimVerifier dkimVerifier(Resolver resolver) {
        return new DkimVerifier(name -> keyAnswer(resolver.txt(name)));
    }

    /** {@code tlsrpt.domains}: the domains this collector receives reports for; empty: no report is foreign. */
    @Singleton
    OwnDomains ownDomains(@Property(name = "tlsrpt.domains") @Nullable List<String> domains) {
        return new OwnDomains(domains == null ? List.of() : domains);
    }

    static KeyLookup.KeyAnswer keyAnswer(DnsAnswer a) {
        if (a == null || a.status() == null) {
            return new KeyLookup.KeyAnswer(KeyLookup.Status.TEMPORARY_FAILURE, List.of(), "no answer");
        }
        return switch (a.status()) {
            case "NOERROR" -> a.records().isEmpty()
                    ? new KeyLookup.KeyAnswer(KeyLookup.Status.NOT_FOUND, List.of(), "no TXT record")
                    : new KeyLookup.KeyAnswer(KeyLookup.Status.FOUND, a.records(), null);
            case "NXDOMAIN" -> new KeyLookup.KeyAnswer(KeyLookup.Status.NOT_FOUND, List.of(), "NXDOMAIN");
            default -> new KeyLookup.KeyAnswer(KeyLookup.Status.TEMPORARY_FAILURE, List.of(),
                    a.status() + (a.error() == null ? "" : ": " + a.error()));
        };
    }
}
