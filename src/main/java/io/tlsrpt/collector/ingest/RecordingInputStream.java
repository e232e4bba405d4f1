package io.tlsrpt.collector.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Remembers the first I/O error of the stream it wraps. The parser turns every error into an "unusable" value; this
 * keeps the cause (a decompression limit, a truncated gzip) so that the quarantine reason names it.
 */
final class RecordingInputStream extends FilterInputStream {
    private IOException failure;

    RecordingInputStream(InputStream in) {
        super(in);
    }

    IOException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw remember(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw remember(e);
        }
    }

    private IOException remember(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }
}
