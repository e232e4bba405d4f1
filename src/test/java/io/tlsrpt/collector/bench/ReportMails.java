package io.tlsrpt.collector.bench;

import io.tlsrpt.collector.cli.ReportMail;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.Random;

/**
 * The benchmarks' report e-mails, RFC 8460 §5.3 {@code multipart/report} with the gzipped report, built with the
 * project's {@code ReportMail.build}, about 5.3 KB each, in one of two {@link Profile}s. Message {@code i} of a prefix
 * is always the same bytes (its random content is seeded with {@code i}) and has its own report-id, so a long run can
 * make its messages one at a time instead of holding them all. Not thread-safe: one instance per thread.
 */
final class ReportMails {
    static final String RUA = "tlsrpt@reports.example.com";
    /** Failure details per report, and random characters in each, for a ~5 KB e-mail. */
    static final int DETAILS = 20;
    static final int NOISE = 180;

    /** What the reports in the e-mails are like. */
    enum Profile {
        /**
         * The benchmarks' first and worst case: 50 domains over 30 days, 20 failure details each (random result types
         * over two MX hosts: about 10 failure groups a report) with 180 random characters in each failure reason,
         * which is what makes the e-mail 5.3 KB.
         */
        HEAVY,
        /**
         * Reports drawn like {@link Seeder}'s (10,000 domains with a Zipf-like skew, 20 reporters, 1-5 policies,
         * failure details 68% none, about 5 on average, from each domain's problem profile), all for yesterday as in
         * the hours after midnight UTC; real reports in the corpus carry 0-3 failure details. What makes such an
         * e-mail 5.3 KB is the trace headers a large sender's relays add ({@link #TRACE}, about 2.5 KB here), not
         * the report.
         */
        REALISTIC
    }

    /** E-mail size the realistic profile fills up to with trace headers: the heavy profile's average. */
    static final int REALISTIC_SIZE = 5300;
    static final Seeder.Model MODEL = new Seeder.Model(1);

    private final Session session = Session.getInstance(new Properties());
    private final String prefix;
    private final Profile profile;
    private final LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);

    /** @param prefix starts every report-id: a run's own, so that no two runs (or warm-ups) share a report */
    ReportMails(String prefix) {
        this(prefix, Profile.HEAVY);
    }

    ReportMails(String prefix, Profile profile) {
        this.prefix = prefix;
        this.profile = profile;
    }

    byte[] message(long i) {
        if (profile == Profile.REALISTIC) {
            return realistic(i);
        }
        Random rnd = BenchSupport.random(8460L * 1_000_003L + i);
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

    private byte[] realistic(long i) {
        return realistic(session, MODEL.drawn(i, yesterday, prefix + "-" + i), yesterday, i);
    }

    /** The realistic profile's e-mail of a drawn report: built, then filled with trace headers seeded with i. */
    static byte[] realistic(Session session, Seeder.Model.Drawn r, LocalDate yesterday, long i) {
        try {
            MimeMessage msg = build(session, r.json(), r.domain(), r.submitter(), r.reportId(), yesterday);
            Random rnd = BenchSupport.random(i);
            int size = size(msg);
            for (int hop = 0; ; hop++) {
                // the set once, then further relays (Received) until the e-mail is as big as the heavy profile's
                String[] header = hop < TRACE.length ? TRACE[hop] : TRACE[hop % 3 == 0 ? 0 : hop % 3 == 1 ? 5 : 7];
                String name = header[0];
                String value = trace(header[1], r.submitter(), rnd);
                int room = REALISTIC_SIZE - size - name.length() - 8;
                if (room < 40) {
                    break; // close enough: a header cut shorter would not look like one
                }
                if (value.length() > room) {
                    value = value.substring(0, room);
                }
                String folded = MimeUtility.fold(name.length() + 2, value);
                msg.addHeader(name, folded);
                size += name.length() + 2 + folded.length() + 2;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(REALISTIC_SIZE + 512);
            msg.writeTo(bytes);
            return bytes.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Trace headers as a large sender's outbound relays add them, in the shape Google's and Microsoft's report
     * e-mails carry (none that the collector verifies: no DKIM-Signature, whose key look-up would measure the
     * benchmark's DNS server). {@code $h} is a random hex run, {@code $n} a number below 60, {@code $s} the submitter.
     */
    private static final String[][] TRACE = {
            {"Received", "from mail-sor-f$n.$s (mail-sor-f$n.$s [209.85.220.$n]) by mx.reports.example.com "
                    + "(Postfix) with ESMTPS id $h for <tlsrpt@reports.example.com>; (version=TLS1_3 "
                    + "cipher=TLS_AES_256_GCM_SHA384 bits=256/256)"},
            {"X-Google-DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=1e100.net; s=20230601; t=$h; "
                    + "h=to:subject:message-id:date:from:mime-version:x-gm-message-state:from:to:cc:subject:date:"
                    + "message-id:reply-to; bh=$h$h$h; b=$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h$h"},
            {"X-Gm-Message-State", "AOJu0Y$h$h$h$h$h$h$h$h$h$h"},
            {"X-Google-Smtp-Source", "AGHT+I$h$h$h$h$h$h$h$h$h$h$h$h"},
            {"X-Received", "by 2002:a05:6a20:$h:b0:$h:$h:$h with SMTP id $h$h; Sun, 29 Nov 2026 01:$n:$n -0800 "
                    + "(PST)"},
            {"Received", "from outbound-relay-$h.$s ([10.$n.$n.$n]) by smtp-out-$h.$s with ESMTPS id $h$h "
                    + "(version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256); Sun, 29 Nov 2026 01:$n:$n +0000"},
            {"ARC-Authentication-Results", "i=1; mx.$s; dkim=pass header.i=@$s header.s=$h; spf=pass "
                    + "(domain of noreply-smtp-tls-reporting@$s designates 209.85.220.$n as permitted sender) "
                    + "smtp.mailfrom=noreply-smtp-tls-reporting@$s; dmarc=pass (p=REJECT) header.from=$s"},
            {"Received", "by relay-$h.internal.$s with HTTP; Sun, 29 Nov 2026 00:$n:$n +0000"},
    };

    private static String trace(String template, String submitter, Random rnd) {
        StringBuilder b = new StringBuilder(template.length() + 64);
        for (int at = 0; at < template.length(); at++) {
            char ch = template.charAt(at);
            if (ch == '$' && at + 1 < template.length()) {
                char what = template.charAt(++at);
                b.append(what == 's' ? submitter : what == 'n' ? String.format(java.util.Locale.ROOT, "%02d",
                        rnd.nextInt(60)) : BenchSupport.hex(rnd, 6));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    private static int size(MimeMessage msg) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(REALISTIC_SIZE);
        msg.writeTo(bytes);
        return bytes.size();
    }

    static byte[] eml(Session session, byte[] json, String domain, String submitter, String reportId, LocalDate day)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        build(session, json, domain, submitter, reportId, day).writeTo(bytes);
        return bytes.toByteArray();
    }

    private static MimeMessage build(Session session, byte[] json, String domain, String submitter, String reportId,
                                     LocalDate day) throws Exception {
        long startEpoch = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        return ReportMail.build(session, json, domain, submitter, reportId,
                submitter + "!" + domain + "!" + startEpoch + "!" + (startEpoch + 86399) + "!001.json.gz",
                "noreply-smtp-tls-reporting@" + submitter, RUA);
    }
}
