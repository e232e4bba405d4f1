package io.tlsrpt.collector.bench;

import io.tlsrpt.collector.cli.ReportMail;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.Random;

/**
 * The benchmarks' report e-mails: RFC 8460 §5.3 {@code multipart/report}, gzip, built with the project's
 * {@code ReportMail.build}, 20 failure details each (about 5.2 KB). Message {@code i} of a prefix is always the same
 * bytes (its random content is seeded with {@code i}) and has its own report-id, so a long run can make its messages
 * one at a time instead of holding them all. Not thread-safe: one instance per thread.
 */
final class ReportMails {
    static final String RUA = "tlsrpt@reports.example.com";
    /** Failure details per report, and random characters in each, for a ~5 KB e-mail. */
    static final int DETAILS = 20;
    static final int NOISE = 180;

    private final Session session = Session.getInstance(new Properties());
    private final String prefix;
    private final LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);

    /** @param prefix starts every report-id: a run's own, so that no two runs (or warm-ups) share a report */
    ReportMails(String prefix) {
        this.prefix = prefix;
    }

    byte[] message(long i) {
        Random rnd = new Random(8460L * 1_000_003L + i);
        String[] reporter = BenchSupport.REPORTERS[(int) (i % BenchSupport.REPORTERS.length)];
        String domain = "domain-" + (i % 50) + ".example";
        LocalDate day = yesterday.minusDays(i % 30);
        String reportId = prefix + "-" + i + "-" + BenchSupport.hex(rnd, 12);
        byte[] json = BenchSupport.report(rnd, reporter[0], reporter[1], reportId, domain, day, DETAILS, NOISE);
        try {
            return eml(session, json, domain, reporter[1], reportId, day);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] eml(Session session, byte[] json, String domain, String submitter, String reportId, LocalDate day)
            throws Exception {
        long startEpoch = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        MimeMessage msg = ReportMail.build(session, json, domain, submitter, reportId,
                submitter + "!" + domain + "!" + startEpoch + "!" + (startEpoch + 86399) + "!001.json.gz",
                "noreply-smtp-tls-reporting@" + submitter, RUA);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        msg.writeTo(bytes);
        return bytes.toByteArray();
    }
}
