package io.tlsrpt.collector.support;

import io.tlsrpt.collector.cli.ReportMail;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Properties;

/** A real SMTP client (Jakarta Mail's SMTP transport) sending to a collector on loopback. */
public final class Mailer {
    public static final String RUA = "tlsrpt@reports.example.com";

    private final Session session;

    public Mailer(int port) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        p.put("mail.smtp.localhost", "reporter.test");
        session = Session.getInstance(p);
    }

    public Session session() {
        return session;
    }

    /** Sends raw message bytes (an .eml) as they are. */
    public void sendRaw(byte[] eml, String to) throws MessagingException {
        send(new MimeMessage(session, new ByteArrayInputStream(eml)), to);
    }

    /** Wraps a JSON report into an RFC 8460 §5.3 report e-mail and sends it. */
    public void sendJson(byte[] json, String policyDomain, String submitter, String reportId, String to)
            throws MessagingException, IOException {
        send(ReportMail.build(session, json, policyDomain, submitter, reportId,
                submitter + "!" + policyDomain + "!1!2!001.json.gz", "noreply@" + submitter, to), to);
    }

    public void send(MimeMessage m, String to) throws MessagingException {
        Transport.send(m, new Address[]{new InternetAddress(to)});
    }
}
