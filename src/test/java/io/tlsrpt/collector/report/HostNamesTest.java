package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HostNamesTest {

    @Test
    void nullStaysNull() {
        assertNull(HostNames.normalize(null));
    }

    @Test
    void lowerCasedAndTrimmed() {
        assertEquals("mx1.example.com", HostNames.normalize("  MX1.Example.COM \t"));
    }

    @Test
    void localeIndependentLowerCase() {
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR")); // where "I".toLowerCase() is a dotless i
        try {
            assertEquals("mail.example.com", HostNames.normalize("MAIL.EXAMPLE.COM"));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void mxPrefixRemoved() {
        assertEquals("mx.server.com", HostNames.normalize("mx: mx.server.com")); // dmarc-report-viewer/no-contact.json
        assertEquals("mx.server.com", HostNames.normalize("MX:mx.server.com"));
        assertEquals("mx.server.com", HostNames.normalize("mx:   mx.server.com"));
        assertEquals("mx.example.com", HostNames.normalize("mx.example.com")); // only a prefix with a colon
    }

    @Test
    void oneTrailingDotRemoved() {
        assertEquals("mx.example.com", HostNames.normalize("mx.example.com."));
        assertEquals("mx.example.com.", HostNames.normalize("mx.example.com.."));
    }

    @Test
    void wildcardsAndALabelsUntouched() {
        assertEquals("*.mail.company-y.example", HostNames.normalize("*.mail.company-y.example"));
        assertEquals("xn--gpher-jua.test", HostNames.normalize("xn--gpher-jua.test"));
    }
}
