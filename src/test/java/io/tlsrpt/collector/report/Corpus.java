package io.tlsrpt.collector.report;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Reads files of src/test/resources/corpus (see NOTICE.md there) and parses them with the default limits. */
final class Corpus {
    /** Surefire runs in the project directory; file paths keep names with '!' and '@' out of URL handling. */
    static final Path ROOT = Path.of("src", "test", "resources", "corpus");

    private Corpus() {
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gunzip(String relative) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes(relative)))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ParseOutcome.Parsed parse(String relative) {
        return parsed(bytes(relative));
    }

    static ParseOutcome.Parsed parsed(byte[] json) {
        ParseOutcome outcome = new ReportParser().parse(new ByteArrayInputStream(json));
        return assertInstanceOf(ParseOutcome.Parsed.class, outcome, () -> "expected Parsed, got " + outcome);
    }
}
