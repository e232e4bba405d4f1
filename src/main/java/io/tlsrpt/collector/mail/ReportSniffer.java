package io.tlsrpt.collector.mail;

import java.util.Locale;
import java.util.Set;

/**
 * Decides whether some bytes are a TLS report and how they are packed. Used for e-mail parts and, on its own,
 * for HTTPS-posted reports (RFC 8460 §5.4), which carry the same bodies.
 *
 * <p>The content decides first, because real senders label reports loosely (mail-auth rpt02.eml uses the
 * unregistered {@code application/tlsrpt}; DMARC reporters use octet-stream, gzip, x-gzip and zip, and
 * SOURCES.md expects TLS reporters to do the same). The file name decides second. The declared media type
 * alone never makes bytes a report.
 */
public final class ReportSniffer {

    /** The media types a report part is sent with (RFC 8460 §6.4, §6.5, and the non-standard ones). */
    private static final Set<String> REPORT_TYPES = Set.of(
            "application/tlsrpt+gzip", "application/tlsrpt+json",
            // mail-auth rpt02.eml: no "+json" suffix, not registered.
            "application/tlsrpt",
            // Generic types DMARC reporters use; expected from TLS reporters too (SOURCES.md, last paragraph).
            "application/gzip", "application/x-gzip", "application/zip", "application/json");

    private static final int UTF8_BOM_LENGTH = 3;

    private ReportSniffer() {
    }

    /**
     * The report format of {@code body}, or null when it is not a report.
     *
     * @param body         the bytes after Content-Transfer-Encoding decoding (still compressed)
     * @param fileName     the file name sent with it, or null
     * @param declaredType the declared media type (base type), or null; containers (multipart/*, message/*)
     *                     are never reports themselves
     */
    public static Format sniff(byte[] body, String fileName, String declaredType) {
        if (isContainer(declaredType)) {
            return null;
        }
        Format byContent = sniffContent(body);
        return byContent != null ? byContent : formatFromName(fileName);
    }

    /**
     * The format the bytes themselves show: gzip magic 1f 8b (RFC 8460 §6.5, RFC 1952 §2.3.1), zip local
     * header "PK\3\4", or a JSON object ('{' after an optional UTF-8 BOM and whitespace). Null otherwise.
     */
    public static Format sniffContent(byte[] body) {
        if (body == null) {
            return null;
        }
        if (body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            return Format.GZIP;
        }
        if (body.length >= 4 && body[0] == 'P' && body[1] == 'K' && body[2] == 3 && body[3] == 4) {
            return Format.ZIP;
        }
        return firstSignificantByte(body) == '{' ? Format.JSON : null;
    }

    /**
     * The format a file name promises: {@code .json}, {@code .json.gz} (RFC 8460 §5.1), {@code .gz}
     * (§6.5 registers only ".gz"), {@code .zip}. Null otherwise.
     */
    public static Format formatFromName(String fileName) {
        if (fileName == null) {
            return null;
        }
        String name = fileName.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return Format.JSON;
        }
        if (name.endsWith(".gz")) {
            return Format.GZIP;
        }
        if (name.endsWith(".zip")) {
            return Format.ZIP;
        }
        return null;
    }

    /** True for the media types reports are sent with (octet-stream excluded: anything can be that). */
    public static boolean isReportType(String declaredType) {
        return declaredType != null && REPORT_TYPES.contains(declaredType.toLowerCase(Locale.ROOT));
    }

    private static boolean isContainer(String declaredType) {
        if (declaredType == null) {
            return false;
        }
        String type = declaredType.toLowerCase(Locale.ROOT);
        return type.startsWith("multipart/") || type.startsWith("message/");
    }

    /** First byte after a UTF-8 BOM and JSON whitespace (RFC 8259 §2), or -1. */
    private static int firstSignificantByte(byte[] body) {
        int i = 0;
        // A BOM is not allowed in JSON (RFC 8259 §8.1) but parsers may ignore it, and Windows tools add it.
        if (body.length >= UTF8_BOM_LENGTH && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb
                && (body[2] & 0xff) == 0xbf) {
            i = UTF8_BOM_LENGTH;
        }
        while (i < body.length) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b & 0xff;
            }
            i++;
        }
        return -1;
    }
}
