package io.tlsrpt.collector.mail;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds test messages and payloads. */
final class TestMail {

    static final MailLimits LIMITS = MailLimits.defaults();
    static final long MAX = LIMITS.maxReportSize();

    private TestMail() {
    }

    static FoundReports find(byte[] raw) {
        return new ReportFinder(LIMITS).find(raw);
    }

    static FoundReports find(String raw) {
        return find(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** A corpus file from src/test/resources/corpus. */
    static byte[] corpus(String path) {
        try (InputStream in = TestMail.class.getResourceAsStream("/corpus/" + path)) {
            assertNotNull(in, "missing corpus file " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small but complete report with the given report-id. */
    static String json(String reportId) {
        return "{\"organization-name\":\"Test Org\",\"date-range\":{\"start-datetime\":\"2024-01-01T00:00:00Z\","
                + "\"end-datetime\":\"2024-01-01T23:59:59Z\"},\"contact-info\":\"tlsrpt@test.example\","
                + "\"report-id\":\"" + reportId + "\",\"policies\":[]}";
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip with the entries in the map's iteration order (use a LinkedHashMap). */
    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String base64(byte[] data) {
        return Base64.getMimeEncoder().encodeToString(data);
    }

    /** Everything {@link ReportPart#openJson} gives, as UTF-8. */
    static String readJson(ReportPart part) throws IOException {
        try (InputStream in = part.openJson(MAX)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A report message built with Jakarta Mail: text part plus one attachment per given part. */
    static byte[] reportMessage(MimeBodyPart... attachments) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom("noreply-smtp-tls-reporting@google.com");
            message.setSubject("Report Domain: example.com Submitter: google.com Report-ID: <r1@google.com>");
            message.setHeader("TLS-Report-Domain", "example.com");
            message.setHeader("TLS-Report-Submitter", "google.com");
            MimeMultipart multipart = new MimeMultipart("report");
            MimeBodyPart text = new MimeBodyPart();
            text.setText("This is an aggregate TLS report from google.com", "UTF-8");
            multipart.addBodyPart(text);
            for (MimeBodyPart attachment : attachments) {
                multipart.addBodyPart(attachment);
            }
            message.setContent(multipart);
            message.saveChanges();
            // Jakarta Mail writes "multipart/report; boundary=..."; add the report-type as senders do.
            String type = message.getContentType();
            message.setHeader("Content-Type", type + "; report-type=tlsrpt");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A base64 attachment with the given media type and file name (null for none). */
    static MimeBodyPart attachment(String type, String fileName, byte[] body) {
        try {
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(body, type)));
            part.setHeader("Content-Type", type);
            if (fileName != null) {
                part.setFileName(fileName);
            }
            part.setHeader("Content-Transfer-Encoding", "base64");
            return part;
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
