package io.tlsrpt.collector.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.internet.ParseException;
import java.io.UnsupportedEncodingException;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the MIME header fields of one part, never throwing on a malformed value. */
final class PartHeaders {

    private PartHeaders() {
    }

    /** The first value of a header field, unfolded (RFC 5322 §2.2.3) and RFC 2047-decoded; null if absent. */
    static String text(Part part, String name) {
        String raw = first(part, name);
        if (raw == null) {
            return null;
        }
        return decodeWords(MimeUtility.unfold(raw)).trim();
    }

    /** Content-Type (RFC 2045 §5). */
    static HeaderValue contentType(Part part) {
        String raw = first(part, "Content-Type");
        if (raw == null || raw.isBlank()) {
            return HeaderValue.ABSENT;
        }
        try {
            ContentType type = new ContentType(raw);
            return new HeaderValue(type.getBaseType().toLowerCase(Locale.ROOT), params(type.getParameterList()));
        } catch (ParseException | RuntimeException e) {
            return lenient(raw);
        }
    }

    /** Content-Disposition (RFC 2183). */
    static HeaderValue contentDisposition(Part part) {
        String raw = first(part, "Content-Disposition");
        if (raw == null || raw.isBlank()) {
            return HeaderValue.ABSENT;
        }
        try {
            ContentDisposition disposition = new ContentDisposition(raw);
            return new HeaderValue(disposition.getDisposition().toLowerCase(Locale.ROOT),
                    params(disposition.getParameterList()));
        } catch (ParseException | RuntimeException e) {
            return lenient(raw);
        }
    }

    /**
     * The part's file name: Content-Disposition filename (RFC 2183 §2.3), else Content-Type name (the older
     * form Google still sends alongside), else Content-Description (RFC 2045 §8), which some senders use as
     * the only name. Null when there is none.
     */
    static String fileName(Part part) {
        String name = contentDisposition(part).param("filename");
        if (isBlank(name)) {
            name = contentType(part).param("name");
        }
        if (isBlank(name)) {
            name = text(part, "Content-Description");
        }
        return isBlank(name) ? null : decodeWords(name).trim();
    }

    /** Content-Transfer-Encoding, lower-case, without comments; null if absent. */
    static String transferEncoding(Part part) {
        String raw = first(part, "Content-Transfer-Encoding");
        if (raw == null) {
            return null;
        }
        String value = MimeUtility.unfold(raw);
        int comment = value.indexOf('(');
        return (comment < 0 ? value : value.substring(0, comment)).trim().toLowerCase(Locale.ROOT);
    }

    static String first(Part part, String name) {
        try {
            String[] values = part.getHeader(name);
            return values == null || values.length == 0 ? null : values[0];
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Decodes RFC 2047 encoded-words. Also applied to parameter values, where RFC 2047 §5 forbids them but
     * Outlook and Gmail put them ({@code name="=?UTF-8?B?...?="}). An unknown charset leaves the text as sent.
     */
    static String decodeWords(String text) {
        if (!text.contains("=?")) {
            return text;
        }
        try {
            return MimeUtility.decodeText(text);
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return text;
        }
    }

    private static HeaderValue lenient(String raw) {
        String unfolded = MimeUtility.unfold(raw);
        int semi = unfolded.indexOf(';');
        String value = (semi < 0 ? unfolded : unfolded.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = semi < 0 ? Map.of() : LenientParameters.parse(unfolded.substring(semi + 1));
        return new HeaderValue(value.isEmpty() ? null : value, params);
    }

    private static Map<String, String> params(ParameterList list) {
        Map<String, String> params = new LinkedHashMap<>();
        if (list == null) {
            return params;
        }
        Enumeration<String> names = list.getNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            String value = list.get(name);
            if (value != null) {
                params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
            }
        }
        return params;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
