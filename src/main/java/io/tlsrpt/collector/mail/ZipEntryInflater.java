package io.tlsrpt.collector.mail;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Inflates one zip entry, names its errors ("truncated zip entry", "corrupt zip entry") and frees the
 * inflater's native memory on close (InflaterInputStream only does that for inflaters it made itself).
 */
final class ZipEntryInflater extends InflaterInputStream {

    private static final int BUFFER = 8192;

    ZipEntryInflater(InputStream in, Inflater inflater) {
        super(in, inflater, BUFFER);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (EOFException e) {
            EOFException truncated = new EOFException("truncated zip entry: " + e.getMessage());
            truncated.initCause(e);
            throw truncated;
        } catch (ZipException e) {
            ZipException corrupt = new ZipException("corrupt zip entry: " + e.getMessage());
            corrupt.initCause(e);
            throw corrupt;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            inf.end();
        }
    }
}
