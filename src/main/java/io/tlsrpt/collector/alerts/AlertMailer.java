package io.tlsrpt.collector.alerts;

import io.tlsrpt.collector.config.AlertSmtpSettings;
import jakarta.mail.Address;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/** Sends an alert as a plain-text e-mail through the configured relay. */
final class AlertMailer {
    private final AlertSmtpSettings settings;
    private final Session session;
    private final InternetAddress from;
    private final Address[] to;

    AlertMailer(AlertSmtpSettings settings) {
        this.settings = settings;
        Properties p = new Properties();
        long timeout = settings.timeout().toMillis();
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", String.valueOf(settings.port()));
        p.put("mail.smtp.connectiontimeout", String.valueOf(timeout));
        p.put("mail.smtp.timeout", String.valueOf(timeout));
        p.put("mail.smtp.writetimeout", String.valueOf(timeout));
        p.put("mail.smtp.localhost", "tlsrpt-collector");
        if (settings.starttls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        boolean auth = settings.username() != null && !settings.username().isBlank();
        if (auth) {
            p.put("mail.smtp.auth", "true");
        }
        this.session = auth ? Session.getInstance(p, new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(settings.username(),
                        settings.password() == null ? "" : settings.password());
            }
        }) : Session.getInstance(p);
        try {
            this.from = new InternetAddress(settings.from(), true);
            this.to = new Address[settings.to().size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(settings.to().get(i), true);
            }
        } catch (AddressException e) {
            throw new IllegalArgumentException("tlsrpt.alerts.smtp.from and .to must be e-mail addresses: "
                    + e.getMessage(), e);
        }
    }

    void send(String subject, String body) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(from);
        m.setRecipients(MimeMessage.RecipientType.TO, to);
        m.setSubject(headerSafe(subject), StandardCharsets.UTF_8.name());
        m.setSentDate(new Date());
        m.setHeader("Auto-Submitted", "auto-generated");
        m.setText(body, StandardCharsets.UTF_8.name());
        Transport.send(m, to);
    }

    /** Text from reports (organisation names, domains) can hold anything: no line breaks in a header. */
    static String headerSafe(String s) {
        String one = s.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]+", " ").trim();
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    @Override
    public String toString() {
        return settings.toString();
    }
}
