package io.tlsrpt.collector.report;

import java.util.Locale;
import java.util.Optional;

/**
 * "policy-type", RFC 8460 §4.4: an open value. The RFC names three; anything else a sender writes is kept as it
 * is (mail-auth's rpt03.json has "invalid-policy-type"), never mapped onto a known value.
 */
public record PolicyType(String value) {
    public enum Known {
        TLSA("tlsa"), STS("sts"), NO_POLICY_FOUND("no-policy-found");

        public final String value;

        Known(String value) {
            this.value = value;
        }
    }

    public Optional<Known> known() {
        for (Known k : Known.values()) {
            if (k.value.equals(value.toLowerCase(Locale.ROOT))) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
