package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code tlsrpt.dkim.*}: what to do with report e-mails that do not carry a valid DKIM signature of the reporting
 * domain (RFC 8460 §3).
 *
 * @param policy          {@code flag}: keep the report and mark it unauthenticated; {@code require}: quarantine it
 * @param retryInterval   a message whose signing key could not be fetched (a temporary DNS failure) is tried again
 *                        after this long
 * @param retryFor        and for this long after it arrived; after that it is judged "temperror" (unauthenticated)
 */
@ConfigurationProperties("tlsrpt.dkim")
public record DkimConfig(
        @Bindable(defaultValue = "flag") String policy,
        @Bindable(defaultValue = "15m") Duration retryInterval,
        @Bindable(defaultValue = "24h") Duration retryFor) {

    public boolean required() {
        return "require".equalsIgnoreCase(policy);
    }
}
