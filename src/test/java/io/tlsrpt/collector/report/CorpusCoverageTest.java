package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every JSON report in the corpus has a test of its values in one of the *CorpusTest classes. A file added to the
 * corpus fails here until someone writes down what it holds.
 */
class CorpusCoverageTest {
    static final Set<String> ASSERTED = Set.of(
            "dmarc-report-viewer/full-example@bbd2196.json",
            "dmarc-report-viewer/google.json",
            "dmarc-report-viewer/google@bbd2196.json",
            "dmarc-report-viewer/microsoft.json",
            "dmarc-report-viewer/no-contact.json",
            "dmarc-report-viewer/no-policy.json",
            "dmarc-report-viewer/no_ip_and_mx.json",
            "dmarc-report-viewer/rfc-example.json",
            "email-report-processor/google.com!example.com!1667520000!1667606399!001.json",
            "mail-auth/rpt01.json",
            "mail-auth/rpt02.json",
            "mail-auth/rpt03.json",
            "mailweave/google.com!example.com!1747094400!1747180799!001.json",
            "mailweave/google.com!example.com!1747094400!1747180799!001.json.gz",
            "mailweave/microsoft.com!example.com!1739750400!1739836799!133843802167204397.json",
            "mailweave/mimecast.org!example.com!1742860800!1742947199!"
                    + "c7115a9ad9266efcddcb560fc5963028de5d922f5d1bf878e8ec82a8d6a5cf2c.json",
            "mailweave/ppatk.go.id!example.com!1740960000!1741046399.json",
            "parsedmarc/empty_failure_detail_fields.json",
            "parsedmarc/mail.ru.json",
            "parsedmarc/rfc8460.json",
            "parsedmarc/smtp_tls.json",
            "tlsrpt-be/report.json",
            "tlsrpt-be/testing.json");

    @Test
    void everyCorpusJsonFileHasValueAssertions() throws IOException {
        assertEquals(new TreeSet<>(ASSERTED), new TreeSet<>(jsonFiles()));
    }

    @Test
    void everyCorpusJsonFileParses() throws IOException {
        for (String f : jsonFiles()) {
            byte[] json = f.endsWith(".gz") ? Corpus.gunzip(f) : Corpus.bytes(f);
            ParseOutcome.Parsed p = Corpus.parsed(json);
            assertTrue(p.report().policies().size() >= 1, f);
        }
    }

    private static Set<String> jsonFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Corpus.ROOT)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> Corpus.ROOT.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".json") || n.endsWith(".json.gz"))
                    .collect(Collectors.toSet());
        }
    }
}
