package io.tlsrpt.collector.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.ZipException;

/**
 * One report found in a message.
 *
 * @param index        position in {@link FoundReports#parts()}; stable for the same message bytes
 * @param fileName     file name as sent (Content-Disposition filename, Content-Type name, or
 *                     Content-Description), or null. Untrusted: never use it as a path.
 * @param declaredType the declared media type (lower-case base type), or null when the part had none
 * @param format       how {@code body} is packed
 * @param body         the part's bytes after Content-Transfer-Encoding decoding, still compressed. Shared,
 *                     not copied (all entries of one zip share the archive): do not modify it.
 * @param zipEntry     for {@link Format#ZIP}, the name of the entry inside the archive (untrusted, never a
 *                     path); otherwise null
 */
public record ReportPart(int index, String fileName, String declaredType, Format format, byte[] body,
                         String zipEntry) {

    public ReportPart {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(body, "body");
        if (format == Format.ZIP) {
            Objects.requireNonNull(zipEntry, "zipEntry");
        }
    }

    /**
     * The report's JSON bytes, decompressed as they are read. The stream throws
     * {@link ReportTooLargeException} as soon as more than {@code maxBytes} come out, so a gzip or zip bomb is
     * refused rather than expanded. A gzip cut short fails with an IOException saying "truncated gzip"; a zip
     * entry whose declared size is already over the limit is refused before anything is inflated.
     */
    public InputStream openJson(long maxBytes) throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        InputStream json = switch (format) {
            case JSON -> new ByteArrayInputStream(body);
            case GZIP -> GzipInput.open(body);
            case ZIP -> openZipEntry(maxBytes);
        };
        return new LimitedInputStream(json, maxBytes);
    }

    private InputStream openZipEntry(long maxBytes) throws IOException {
        ZipIndex.Entry entry = ZipIndex.find(body, zipEntry);
        if (entry == null) {
            throw new ZipException("no zip entry " + Reasons.quote(zipEntry));
        }
        // The declared size can be a lie, so LimitedInputStream still counts; but an honest bomb is refused
        // here without inflating a single byte.
        if (entry.size() > maxBytes) {
            throw new ReportTooLargeException(maxBytes);
        }
        return ZipIndex.open(body, entry);
    }

    @Override
    public String toString() {
        return "ReportPart[index=" + index + ", fileName=" + fileName + ", declaredType=" + declaredType
                + ", format=" + format + ", body=" + body.length + " bytes, zipEntry=" + zipEntry + "]";
    }
}
