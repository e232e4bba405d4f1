package io.tlsrpt.collector.cli;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/** Builds a report e-mail the way RFC 8460 §5.3 describes it: multipart/report, report-type=tlsrpt, gzip. */
public final class ReportMail {
    private ReportMail() {
    }

    /**
     * @param json           the report
     * @param policyDomain   for TLS-Report-Domain and the Subject
     * @param submitter      for TLS-Report-Submitter and the Subject
     * @param fileName       e.g. google.com!example.com!1700000000!1700086399!001.json.gz
     */
    public static MimeMessage build(Session session, byte[] json, String policyDomain, String submitter,
                                    String reportId, String fileName, String from, String to)
            throws MessagingException, IOException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        m.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse(to));
        m.setSubject("Report Domain: " + policyDomain + " Submitter: " + submitter + " Report-ID: <" + reportId
                + "@" + submitter + ">");
        m.setHeader("TLS-Report-Domain", policyDomain);
        m.setHeader("TLS-Report-Submitter", submitter);
        m.setHeader("Message-ID", "<" + UUID.randomUUID() + "@" + submitter + ">");
        m.setSentDate(new java.util.Date());

        MimeMultipart multipart = new MimeMultipart("report; report-type=\"tlsrpt\"");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("This is an aggregate TLS report from " + submitter + " for " + policyDomain + ".", "UTF-8");
        multipart.addBodyPart(text);

        MimeBodyPart report = new MimeBodyPart();
        report.setDataHandler(new DataHandler(new ByteArrayDataSource(gzip(json), "application/tlsrpt+gzip")));
        report.setFileName(fileName);
        report.setHeader("Content-Transfer-Encoding", "base64");
        multipart.addBodyPart(report);
        m.setContent(multipart);
        m.saveChanges();
        return m;
    }

    public static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
