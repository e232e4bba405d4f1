package io.tlsrpt.collector.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The real reports in src/test/resources/corpus (origins and licences in NOTICE.md there). */
public final class Corpus {
    private Corpus() {
    }

    public static byte[] bytes(String path) {
        try (InputStream in = Corpus.class.getResourceAsStream("/corpus/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no corpus file " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
