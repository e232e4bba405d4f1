package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.RawSmtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/** Report e-mails with known bytes, SMTP sending, and looks into the spool and the database, for these tests. */
final class Reports {
    static final String RUA = "tlsrpt@reports.example.com";
    static final String DOMAIN = "durable.example";

    private Reports() {
    }

    /** Report {@code name} as an RFC 8460 §5.3 e-mail (gzip, base64). */
    static byte[] message(String name) {
        String json = "{\"organization-name\":\"Durability Test\",\"date-range\":{\"start-datetime\":"
                + "\"2025-07-01T00:00:00Z\",\"end-datetime\":\"2025-07-01T23:59:59Z\"},\"contact-info\":"
                + "\"tlsrpt@durable.example\",\"report-id\":\"" + name + "\",\"policies\":[{\"policy\":{"
                + "\"policy-type\":\"no-policy-found\",\"policy-domain\":\"" + DOMAIN + "\"},\"summary\":{"
                + "\"total-successful-session-count\":10,\"total-failure-session-count\":0}}]}";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String b = "b-" + name;
        String eml = "From: reports@" + DOMAIN + "\r\nTo: " + RUA + "\r\nSubject: Report Domain: " + DOMAIN
                + " Submitter: durable Report-ID: <" + name + ">\r\nDate: Wed, 02 Jul 2025 01:00:00 +0000"
                + "\r\nMessage-ID: <" + name + "@durable>\r\nMIME-Version: 1.0\r\nTLS-Report-Domain: " + DOMAIN
                + "\r\nTLS-Report-Submitter: durable\r\nContent-Type: multipart/report; report-type=\"tlsrpt\"; "
                + "boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\nContent-Type: text/plain\r\n\r\nReport " + name
                + "\r\n--" + b + "\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Disposition: attachment; "
                + "filename=\"durable!" + DOMAIN + "!1751328000!1751414399!" + name + ".json.gz\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gz.toByteArray())
                + "\r\n--" + b + "--\r\n";
        return eml.getBytes(StandardCharsets.US_ASCII);
    }

    /** The reply to the end of DATA. */
    static String send(Collector c, byte[] eml) {
        return RawSmtp.send(c.smtpPort(), "reports@" + DOMAIN, RUA, eml);
    }

    /** The message id in a "250 ... stored as message N" reply. */
    static long id(String reply) {
        if (!reply.startsWith("250")) {
            throw new AssertionError("not a 250: " + reply);
        }
        return Long.parseLong(reply.replaceAll("(?s).*?message (\\d+).*", "$1"));
    }

    static List<Path> files(Path spool, String suffix) throws IOException {
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(spool)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    static long count(Collector c, String sql, Object... args) {
        try (Connection con = c.context().getBean(javax.sql.DataSource.class).getConnection();
             PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(Collector c, String sql, Object... args) {
        try (Connection con = c.context().getBean(javax.sql.DataSource.class).getConnection();
             PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void execute(Collector c, String sql) {
        try (Connection con = c.context().getBean(javax.sql.DataSource.class).getConnection();
             java.sql.Statement st = con.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the condition (at most two minutes: a hang is a failure, not a slow machine's timing). */
    static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(50);
        }
    }
}
