package io.tlsrpt.collector.mail;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a gzip body (RFC 1952). {@link GZIPInputStream} already reads concatenated members one after the other
 * (RFC 1952 §2.2 allows several), checks each member's CRC-32 and length, and ignores bytes after the last
 * member that do not start another gzip header. This wrapper only renames its
 * errors: an {@link EOFException} from it means the data stopped early, reported as "truncated gzip", and a
 * {@link ZipException} means the data is damaged, reported as "corrupt gzip".
 */
final class GzipInput extends FilterInputStream {

    private static final int BUFFER = 8192;

    private GzipInput(InputStream in) {
        super(in);
    }

    /** Opens {@code body}; the gzip header is read here, so a body cut inside it fails here. */
    static InputStream open(byte[] body) throws IOException {
        try {
            return new GzipInput(new GZIPInputStream(new ByteArrayInputStream(body), BUFFER));
        } catch (EOFException e) {
            throw truncated(e);
        } catch (ZipException e) {
            throw corrupt(e);
        }
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (EOFException e) {
            throw truncated(e);
        } catch (ZipException e) {
            throw corrupt(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (EOFException e) {
            throw truncated(e);
        } catch (ZipException e) {
            throw corrupt(e);
        }
    }

    private static EOFException truncated(EOFException cause) {
        // GZIPInputStream gives no message (null) when the data stops inside the header or the trailer.
        EOFException e = new EOFException("truncated gzip: "
                + (cause.getMessage() == null ? "unexpected end of data" : cause.getMessage()));
        e.initCause(cause);
        return e;
    }

    private static ZipException corrupt(ZipException cause) {
        ZipException e = new ZipException("corrupt gzip: " + cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
