package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultTypeTest {

    @Test
    void theElevenRegisteredValues() {
        // RFC 8460 §4.3 and the IANA "STARTTLS Validation Result Types" registry (§6.6)
        assertEquals(List.of("starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
                        "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid", "dane-required",
                        "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid"),
                Arrays.stream(ResultType.Known.values()).map(k -> k.value).toList());
    }

    @Test
    void everyKnownValueHasAOneLineMeaningAndFix() {
        for (ResultType.Known k : ResultType.Known.values()) {
            assertFalse(k.meaning.isBlank(), k.value);
            assertFalse(k.usualFix.isBlank(), k.value);
            assertFalse(k.meaning.contains("\n") || k.usualFix.contains("\n"), k.value);
            assertTrue(k.meaning.endsWith(".") && k.usualFix.endsWith("."), k.value);
            assertEquals(Optional.of(k), ResultType.of(k.value).known());
        }
    }

    @Test
    void unknownValuesAreKeptVerbatim() {
        ResultType testing = ResultType.of("Testing");
        assertEquals("Testing", testing.value());
        assertEquals(Optional.empty(), testing.known());
        assertEquals(Optional.empty(), ResultType.of("").known());
        assertEquals(Optional.empty(), new ResultType(null).known());
    }

    @Test
    void matchingIgnoresCaseButKeepsTheValue() {
        ResultType upper = ResultType.of("STS-Policy-Fetch-Error");
        assertEquals(Optional.of(ResultType.Known.STS_POLICY_FETCH_ERROR), upper.known());
        assertEquals("STS-Policy-Fetch-Error", upper.value());
    }
}
