package io.tlsrpt.collector.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/** Undoes a part's Content-Transfer-Encoding (RFC 2045 §6), reading at most a given number of bytes. */
final class TransferDecoding {

    private static final int BUFFER = 8192;

    private TransferDecoding() {
    }

    /**
     * The decoded body of {@code content}.
     *
     * @param encoding the Content-Transfer-Encoding value, or null when absent
     * @param max      most decoded bytes accepted
     */
    static byte[] decode(String encoding, TrackedInput content, long max) throws UnreadablePartException {
        String cte = encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
        byte[] buf = content.buffer();
        switch (cte) {
            case "base64":
                return Base64Body.decode(buf, content.from(), content.to(), max);
            case "quoted-printable":
            case "uuencode":
            case "x-uuencode":
            case "x-uue":
                return viaAngus(cte, content, max);
            default:
                // 7bit, 8bit, binary, absent (mail-auth rpt02.eml sends its JSON raw with no header at all),
                // or unknown. RFC 2045 §6.4 says to treat an unknown encoding as opaque data; the bytes are
                // kept as they are and the content sniffing decides whether they are a report.
                if (content.length() > max) {
                    throw new UnreadablePartException("part larger than " + max + " bytes");
                }
                return Arrays.copyOfRange(buf, content.from(), content.to());
        }
    }

    /** Angus's decoders for the encodings that are lenient by nature and rare for reports. */
    private static byte[] viaAngus(String cte, TrackedInput content, long max) throws UnreadablePartException {
        InputStream raw = new ByteArrayInputStream(content.buffer(), content.from(), content.length());
        try (InputStream in = MimeUtility.decode(raw, cte)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(content.length(), BUFFER));
            byte[] buffer = new byte[BUFFER];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > max) {
                    throw new UnreadablePartException("part larger than " + max + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new UnreadablePartException("bad " + cte + ": " + Reasons.of(e));
        }
    }
}
