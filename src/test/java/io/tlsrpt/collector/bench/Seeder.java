package io.tlsrpt.collector.bench;

import io.micronaut.context.ApplicationContext;
import io.tlsrpt.collector.ingest.IngestAccess;
import io.tlsrpt.collector.ingest.Trust;
import io.tlsrpt.collector.mail.FoundReports;
import io.tlsrpt.collector.mail.ReportFinder;
import io.tlsrpt.collector.report.ParseLimits;
import io.tlsrpt.collector.report.ParseOutcome;
import io.tlsrpt.collector.report.ReportParser;
import io.tlsrpt.collector.store.Database;
import io.tlsrpt.collector.store.DkimColumns;
import io.tlsrpt.collector.store.MessageHeaders;
import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.ProcessingWriter;
import io.tlsrpt.collector.store.ReportRow;
import io.tlsrpt.collector.store.StoreOutcome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Stores N synthetic RFC 8460 reports quickly through the real ingest code, not over SMTP: each report is written as
 * RFC 8460 JSON, parsed by the real {@link ReportParser}, mapped by the real {@code ingest.ReportMapper} (through
 * the test-side {@link IngestAccess}) and stored with the real {@link ProcessingWriter} (report, policy and
 * failure-detail rows and the daily roll-ups, in the same transaction), beside a raw message: a minimal RFC 8460
 * §5.3 e-mail (multipart/report with the gzipped JSON, base64) on channel "smtp", so that report pages, the raw
 * download and a reprocess work as for received mail. The message row is inserted by the seeder itself (the
 * receiver's {@link MessageStore#insert} commits each message on its own, which is what makes SMTP slow) and then
 * finished by {@link ProcessingWriter#finish} like processing does. Many reports per transaction
 * ({@code --batch}, 500 by default) and several threads.
 *
 * <p>The beans come from an {@link ApplicationContext} started with SMTP, processing and scheduled checks off, over
 * the data directory; starting it runs the Flyway migrations first.
 *
 * <p>Realistic spreads (all random with a fixed seed, synthetic and labelled as such: {@code .example} domains,
 * addresses in 198.18.0.0/15, RFC 2544's benchmarking range):
 * <ul>
 *   <li>10,000 policy domains ({@code d00000.example} ...) with a Zipf-like skew: weight 1/(rank+10)^0.9, so that the
 *   biggest domain gets about 1% of the reports (10,000 of 1,000,000, 25 a day) and most domains a few dozen;</li>
 *   <li>20 reporters with their organization-names and weights (Google and Microsoft most), each with a pool of
 *   16 to 64 sending addresses;</li>
 *   <li>1 to 5 policies per report (2.85 on average): sts, tlsa, no-policy-found, and a tlsa policy for the first MX
 *   host (DANE policies name the MX host as policy domain);</li>
 *   <li>failure details: 68% of reports none, 14% 1-4, 11% 5-25, 7% 20-66 (about 5 on average); each domain has a
 *   persistent problem profile of 1-3 result types (weighted: starttls-not-supported, certificate-expired,
 *   sts-policy-fetch-error, validation-failure, certificate-host-mismatch, ..., and now and then an unknown value),
 *   its 1-3 MX hosts with stable receiving addresses, and the reporter's sending addresses;</li>
 *   <li>days uniform over the 400 days ending yesterday (UTC); 95% of messages DKIM-authenticated.</li>
 * </ul>
 *
 * <p>Run (after {@code mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test
 * -Dmdep.outputFile=target/test-classpath.txt}):
 * <pre>
 * java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     io.tlsrpt.collector.bench.Seeder --reports 1000000 --threads 2 --database h2 --data-dir /tmp/seed-h2
 * </pre>
 * Options: {@code --reports N} (default 10,000), {@code --threads T} (2), {@code --database h2|postgres} (h2),
 * {@code --data-dir DIR} (required; h2: the app's file database {@code DIR/tlsrpt.mv.db}; postgres: an embedded
 * PostgreSQL server whose cluster lives in {@code DIR/pg}, started on port 54329 by default, {@code --pg-port}),
 * {@code --batch B} reports per transaction (500), {@code --seed S} (8460), {@code --days D} the reports' days are
 * drawn from the D days up to yesterday (400; 1 adds a day's reports, as after a midnight). Seeding again into a
 * seeded directory adds N more reports (report-ids continue after the stored ones). Prints progress every 10 s, then reports/s,
 * policies, failure details, roll-up rows and the size of the data.
 */
public final class Seeder {
    static final int DOMAINS = 10_000;
    static final int DAYS = 400;
    static final int DEFAULT_PG_PORT = 54329;

    /** organization-name, submitter domain, weight, sending addresses. */
    static final Object[][] REPORTERS = {
            {"Google Inc.", "google.com", 300, 64},
            {"Microsoft Corporation", "microsoft.com", 220, 64},
            {"Yahoo Inc.", "yahooinc.com", 60, 32},
            {"Mail.Ru", "mail.ru", 50, 32},
            {"Comcast", "comcast.net", 40, 24},
            {"Proofpoint, Inc.", "proofpoint.com", 40, 48},
            {"Mimecast", "mimecast.com", 30, 40},
            {"Cisco Secure Email", "iphmx.com", 30, 40},
            {"Zoho Corporation", "zoho.com", 25, 24},
            {"Yandex LLC", "yandex.ru", 25, 32},
            {"GMX", "gmx.net", 20, 24},
            {"WEB.DE", "web.de", 20, 24},
            {"Fastmail Pty Ltd", "fastmail.com", 15, 16},
            {"Apple Inc.", "apple.com", 20, 32},
            {"Amazon SES", "amazonses.com", 30, 64},
            {"SendGrid", "sendgrid.net", 25, 48},
            {"Mailgun Technologies, Inc", "mailgun.org", 15, 32},
            {"Tutanota GmbH", "tutanota.de", 5, 16},
            {"Posteo e.K.", "posteo.de", 5, 16},
            {"Stalwart Mail Server", "stalw.art", 5, 16},
    };
    /** result-type and weight; the last is a value no RFC registers (stored as sent, grouped as "other"). */
    static final Object[][] RESULT_TYPES = {
            {"starttls-not-supported", 20}, {"certificate-expired", 15}, {"sts-policy-fetch-error", 15},
            {"validation-failure", 12}, {"certificate-host-mismatch", 12}, {"certificate-not-trusted", 10},
            {"tlsa-invalid", 4}, {"sts-policy-invalid", 4}, {"sts-webpki-invalid", 3}, {"dane-required", 2},
            {"dnssec-invalid", 2}, {"x-synthetic-unknown-result", 1},
    };
    private static final String RUA = "tlsrpt@collector.example";
    /**
     * The number the real {@link ReportFinder} gives the gzip part of {@link #email}: report pages find the report in
     * the raw message by it. Checked on the first report of every run.
     */
    static final int REPORT_PART = 0;

    private Seeder() {
    }

    /** What a run stored, and the store's size afterwards. */
    public record Result(long reports, double seconds, long policies, long failureDetails, long dailyDomainRows,
                         long dailyFailureRows, long storedReports) {
        public double reportsPerSecond() {
            return reports / seconds;
        }
    }

    /** The settings of a context over {@code dataDir}: SMTP, processing, IMAP and scheduled checks off. */
    public static Map<String, Object> contextProperties(Path dataDir, Map<String, Object> datasource) {
        Map<String, Object> props = new HashMap<>();
        props.put("tlsrpt.data-dir", dataDir.toString());
        props.put("tlsrpt.smtp.enabled", false);
        props.put("tlsrpt.processing.enabled", false);
        props.put("tlsrpt.checks.enabled", false);
        props.put("micronaut.server.port", -1);
        props.putAll(datasource);
        return props;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int reports = Integer.parseInt(o.getOrDefault("reports", "10000"));
        int days = Integer.parseInt(o.getOrDefault("days", String.valueOf(DAYS)));
        int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "500"));
        long seed = Long.parseLong(o.getOrDefault("seed", "8460"));
        String database = o.getOrDefault("database", "h2");
        if (!o.containsKey("data-dir")) {
            throw new IllegalArgumentException("--data-dir DIR is needed");
        }
        Path dataDir = Path.of(o.get("data-dir")).toAbsolutePath();
        Files.createDirectories(dataDir);
        try (BenchDatabase db = BenchDatabase.open(database, dataDir,
                Integer.parseInt(o.getOrDefault("pg-port", String.valueOf(DEFAULT_PG_PORT))));
             ApplicationContext ctx = ApplicationContext.run(contextProperties(dataDir, db.datasource()))) {
            System.out.printf(Locale.ROOT, "Seeder: %d reports over the %d days up to yesterday, %d threads, %d "
                    + "reports per transaction, %s in %s%n", reports, days, threads, batch, database, dataDir);
            db.beforeSeeding(ctx);
            Result r;
            try {
                r = seed(ctx, reports, threads, batch, seed, days);
            } finally {
                db.afterSeeding(ctx);
            }
            print(r);
            System.out.printf(Locale.ROOT, "data size %.1f MB (%s)%n", BenchSupport.mb(db.size(ctx)), db.where());
        }
    }

    static void print(Result r) {
        System.out.printf(Locale.ROOT, "thread time: making reports %.1f s, in transactions %.1f s (messages %.1f s, "
                        + "reports and roll-ups %.1f s, finishing messages %.1f s, the rest is the commit)%n",
                PHASES[0].get() / 1e9, PHASES[4].get() / 1e9, PHASES[1].get() / 1e9, PHASES[2].get() / 1e9,
                PHASES[3].get() / 1e9);
        System.out.printf(Locale.ROOT, "stored %d reports in %.1f s: %.0f reports/s%n", r.reports, r.seconds,
                r.reportsPerSecond());
        System.out.printf(Locale.ROOT, "store now: %d reports, %d policies, %d failure details; roll-ups: "
                        + "daily_domain %d rows, daily_failure %d rows%n", r.storedReports, r.policies,
                r.failureDetails, r.dailyDomainRows, r.dailyFailureRows);
    }

    /**
     * Stores {@code reports} synthetic reports with the context's beans, {@code batch} per transaction, on
     * {@code threads} threads; answers when all are committed.
     */
    public static Result seed(ApplicationContext ctx, int reports, int threads, int batch, long seed)
            throws Exception {
        return seed(ctx, reports, threads, batch, seed, DAYS);
    }

    /** The same, with the reports' days drawn from the {@code days} days up to yesterday (not {@link #DAYS}). */
    public static Result seed(ApplicationContext ctx, int reports, int threads, int batch, long seed, int days)
            throws Exception {
        Database db = ctx.getBean(Database.class);
        ProcessingWriter writer = ctx.getBean(ProcessingWriter.class);
        Trust trust = ctx.getBean(Trust.class);
        long first = db.read(c -> scalar(c, "SELECT COUNT(*) FROM report"));
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        Model model = new Model(seed);
        FoundReports found = ctx.getBean(ReportFinder.class).find(model.report(first, yesterday, seed,
                new ReportParser(), days).eml);
        if (found.parts().size() != 1 || found.parts().get(0).index() != REPORT_PART) {
            throw new IllegalStateException("the real ReportFinder does not find the report as part " + REPORT_PART
                    + " of the synthetic e-mail: " + found.parts() + " " + found.problems());
        }
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        int batches = (reports + batch - 1) / batch;
        AtomicLong nextBatch = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                ReportParser parser = new ReportParser();
                while (true) {
                    long b = nextBatch.getAndIncrement();
                    if (b >= batches) {
                        return null;
                    }
                    long from = b * batch;
                    long to = Math.min(reports, from + batch);
                    long t0 = System.nanoTime();
                    List<Synthetic> items = new ArrayList<>((int) (to - from));
                    for (long i = from; i < to; i++) {
                        items.add(model.report(first + i, yesterday, seed, parser, days));
                    }
                    long t1 = System.nanoTime();
                    db.inTransaction(c -> store(c, writer, trust, items));
                    PHASES[0].addAndGet(t1 - t0);
                    PHASES[4].addAndGet(System.nanoTime() - t1);
                    done.addAndGet(to - from);
                }
            }));
        }
        pool.shutdown();
        long lastPrint = System.nanoTime();
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get(1, java.util.concurrent.TimeUnit.SECONDS);
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() - lastPrint > 10e9) {
                        lastPrint = System.nanoTime();
                        double s = (lastPrint - start) / 1e9;
                        System.out.printf(Locale.ROOT, "  %d reports after %.0f s (%.0f/s)%n", done.get(), s,
                                done.get() / s);
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    pool.shutdownNow();
                    throw e;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return db.read(c -> new Result(done.get(), seconds, scalar(c, "SELECT COUNT(*) FROM policy"),
                scalar(c, "SELECT COUNT(*) FROM failure_detail"), scalar(c, "SELECT COUNT(*) FROM daily_domain"),
                scalar(c, "SELECT COUNT(*) FROM daily_failure"), scalar(c, "SELECT COUNT(*) FROM report")));
    }

    /** Nanoseconds spent making reports, inserting messages, storing reports, finishing messages, in transactions. */
    static final AtomicLong[] PHASES = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(),
            new AtomicLong()};

    /** One transaction: the raw messages, then their reports through the writer, then each message finished. */
    private static Void store(Connection c, ProcessingWriter writer, Trust trust, List<Synthetic> items)
            throws SQLException {
        long t0 = System.nanoTime();
        long[] ids = new long[items.size()];
        try (PreparedStatement m = c.prepareStatement("INSERT INTO message (received_at, channel, client_ip, helo, "
                + "envelope_from, envelope_to, size_bytes, sha256, state) VALUES (?,?,?,?,?,?,?,?,?)",
                new String[]{"id"})) {
            for (int i = 0; i < items.size(); i++) {
                Synthetic s = items.get(i);
                m.setObject(1, OffsetDateTime.ofInstant(s.receivedAt, ZoneOffset.UTC));
                m.setString(2, "smtp");
                m.setString(3, s.clientIp);
                m.setString(4, "mail." + s.submitter);
                m.setString(5, "noreply-smtp-tls-reporting@" + s.submitter);
                m.setString(6, RUA);
                m.setLong(7, s.eml.length);
                m.setString(8, sha256(s.eml));
                m.setString(9, MessageStore.RECEIVED);
                m.executeUpdate();
                try (ResultSet keys = m.getGeneratedKeys()) {
                    keys.next();
                    ids[i] = keys.getLong(1);
                }
            }
        }
        try (PreparedStatement b = c.prepareStatement("INSERT INTO message_body (message_id, body) VALUES (?,?)")) {
            for (int i = 0; i < items.size(); i++) {
                b.setLong(1, ids[i]);
                b.setBytes(2, items.get(i).eml);
                b.addBatch();
                if (i % 100 == 99) {
                    b.executeBatch();
                }
            }
            b.executeBatch();
        }
        long t1 = System.nanoTime();
        Instant now = Instant.now();
        int[] stored = new int[items.size()];
        try (ProcessingWriter.Batch batch = writer.batch(c)) {
            for (int i = 0; i < items.size(); i++) {
                Synthetic s = items.get(i);
                String reportDomain = IngestAccess.reportDomain(s.domain, s.domain, s.fileName, s.parsed.report());
                ReportRow row = IngestAccess.toRow(ids[i], REPORT_PART, s.fileName, reportDomain, s.parsed.report(),
                        s.parsed.notes(), s.authenticated, trust.isForeign(reportDomain));
                stored[i] = batch.store(row, now) instanceof StoreOutcome.Stored ? 1 : 0;
            }
            batch.flush();
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < items.size(); i++) {
            Synthetic s = items.get(i);
            writer.finish(c, ids[i], s.headers, s.dkim, MessageStore.PROCESSED, stored[i], 1 - stored[i], 0, now);
        }
        PHASES[1].addAndGet(t1 - t0);
        PHASES[2].addAndGet(t2 - t1);
        PHASES[3].addAndGet(System.nanoTime() - t2);
        return null;
    }

    /** One synthetic report, parsed, with its message. */
    record Synthetic(String domain, String submitter, String clientIp, Instant receivedAt, byte[] eml,
                     String fileName, ParseOutcome.Parsed parsed, MessageHeaders headers, DkimColumns dkim,
                     boolean authenticated) {
    }

    /** The domains, reporters and their fixed properties; each report is drawn from its own seeded random. */
    static final class Model {
        private final double[] domainCdf = new double[DOMAINS];
        private final double[] reporterCdf = new double[REPORTERS.length];
        private final double[] resultCdf = new double[RESULT_TYPES.length];

        Model(long seed) {
            double sum = 0;
            for (int i = 0; i < DOMAINS; i++) {
                sum += 1 / Math.pow(i + 10, 0.9);
                domainCdf[i] = sum;
            }
            for (int i = 0; i < DOMAINS; i++) {
                domainCdf[i] /= sum;
            }
            cdf(REPORTERS, 2, reporterCdf);
            cdf(RESULT_TYPES, 1, resultCdf);
        }

        private static void cdf(Object[][] table, int column, double[] out) {
            double sum = 0;
            for (int i = 0; i < table.length; i++) {
                sum += (Integer) table[i][column];
                out[i] = sum;
            }
            for (int i = 0; i < out.length; i++) {
                out[i] /= sum;
            }
        }

        private static int pick(double[] cdf, double u) {
            int i = Arrays.binarySearch(cdf, u);
            return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
        }

        static String domain(int i) {
            return String.format(Locale.ROOT, "d%05d.example", i);
        }

        /** The fixed properties of a domain: its MX hosts, their addresses, its problem profile. */
        record DomainProfile(String name, int index, String[] mx, String[] mxIp, String[] problems, int volume) {
        }

        DomainProfile profile(int index) {
            Random r = BenchSupport.random(index * 7_919L + 17);
            String name = domain(index);
            int mxCount = 1 + r.nextInt(3);
            String[] mx = new String[mxCount];
            String[] ip = new String[mxCount];
            for (int i = 0; i < mxCount; i++) {
                mx[i] = "mx" + (i + 1) + "." + name;
                ip[i] = "198.19." + (index % 250) + "." + (1 + (index / 250) * 3 % 250 + i);
            }
            String[] problems = new String[1 + r.nextInt(3)];
            for (int i = 0; i < problems.length; i++) {
                problems[i] = (String) RESULT_TYPES[pick(resultCdf, r.nextDouble())][0];
            }
            return new DomainProfile(name, index, mx, ip, problems, 1 + (int) (1_000_000 / Math.pow(index + 10, 0.9)));
        }

        Synthetic report(long n, LocalDate yesterday, long seed, ReportParser parser, int days) {
            Random r = BenchSupport.random(seed * 1_000_003L + n);
            DomainProfile d = profile(pick(domainCdf, r.nextDouble()));
            Object[] reporter = REPORTERS[pick(reporterCdf, r.nextDouble())];
            String submitter = (String) reporter[1];
            int reporterIndex = Arrays.asList(REPORTERS).indexOf(reporter);
            int pool = (Integer) reporter[3];
            LocalDate day = yesterday.minusDays(r.nextInt(days));
            String reportId = day + "T00:00:00Z_" + d.name + "_" + n + "@" + submitter;
            String json = json(r, d, reporter, day, reportId);
            byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
            ParseOutcome outcome = parser.parse(new ByteArrayInputStream(jsonBytes), ParseLimits.defaults());
            if (!(outcome instanceof ParseOutcome.Parsed parsed)) {
                throw new IllegalStateException("synthetic report not parsed: " + outcome + "\n" + json);
            }
            long startEpoch = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            String fileName = submitter + "!" + d.name + "!" + startEpoch + "!" + (startEpoch + 86_399) + "!" + n
                    + ".json.gz";
            Instant receivedAt = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                    .plusSeconds(r.nextInt(6 * 3600));
            String subject = "Report Domain: " + d.name + " Submitter: " + submitter + " Report-ID: <" + reportId
                    + ">";
            String messageId = "<" + n + "." + seed + "@" + submitter + ">";
            String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(receivedAt.atOffset(ZoneOffset.UTC));
            String from = "noreply-smtp-tls-reporting@" + submitter;
            byte[] eml = email(subject, from, messageId, date, d.name, submitter, fileName, gzip(jsonBytes));
            boolean authenticated = r.nextInt(20) != 0;
            DkimColumns dkim = authenticated
                    ? new DkimColumns("pass", submitter, "tlsrpt", true, true, true, null)
                    : new DkimColumns("none", null, null, null, null, null, "the message carries no DKIM signature");
            return new Synthetic(d.name, submitter, "198.18." + reporterIndex + "." + (1 + r.nextInt(pool)),
                    receivedAt, eml, fileName, parsed, new MessageHeaders(subject, from, messageId, date, d.name,
                    submitter), dkim, authenticated);
        }

        /** One report as {@link ReportMails}' realistic profile mails it: its domain, reporter, id and JSON. */
        record Drawn(String domain, String submitter, String reportId, byte[] json) {
        }

        /**
         * Report {@code n} for {@code day}, drawn like the seeder's (domain, reporter, policies, failure details)
         * from a random seeded with {@code n}, with the report-id given.
         */
        Drawn drawn(long n, LocalDate day, String reportId) {
            Random r = BenchSupport.random(8460L * 1_000_003L + n);
            DomainProfile d = profile(pick(domainCdf, r.nextDouble()));
            Object[] reporter = REPORTERS[pick(reporterCdf, r.nextDouble())];
            return new Drawn(d.name, (String) reporter[1], reportId,
                    json(r, d, reporter, day, reportId).getBytes(StandardCharsets.UTF_8));
        }

        /**
         * The JSON of one report of domain {@code d} by {@code reporter} for {@code day}; draws from {@code r} in the
         * same order for the seeder and the realistic profile.
         */
        String json(Random r, DomainProfile d, Object[] reporter, LocalDate day, String reportId) {
            String org = (String) reporter[0];
            String submitter = (String) reporter[1];
            int reporterIndex = Arrays.asList(REPORTERS).indexOf(reporter);
            int pool = (Integer) reporter[3];
            int policyCount = weighted(r, new int[]{25, 15, 25, 20, 15}) + 1;
            double u = r.nextDouble();
            int details = u < 0.68 ? 0 : u < 0.82 ? 1 + r.nextInt(4) : u < 0.93 ? 5 + r.nextInt(21)
                    : 20 + r.nextInt(47);
            StringBuilder json = new StringBuilder(1024);
            json.append("{\"organization-name\":\"").append(org).append("\",\"date-range\":{\"start-datetime\":\"")
                    .append(day).append("T00:00:00Z\",\"end-datetime\":\"").append(day)
                    .append("T23:59:59Z\"},\"contact-info\":\"smtp-tls-reporting@").append(submitter)
                    .append("\",\"report-id\":\"").append(reportId).append("\",\"policies\":[");
            // the failure details go to the first policies: sts (or tlsa) problems of the domain's MX hosts
            int failingPolicies = Math.min(policyCount, 1 + r.nextInt(2));
            for (int p = 0; p < policyCount; p++) {
                int mine = details / failingPolicies + (p < details % failingPolicies ? 1 : 0);
                if (p >= failingPolicies) {
                    mine = 0;
                }
                String type = switch (p) {
                    case 0, 3 -> "sts";
                    case 1 -> "tlsa";
                    case 2 -> "no-policy-found";
                    default -> "tlsa";
                };
                String policyDomain = p == 4 ? d.mx[0] : d.name;
                json.append(p == 0 ? "" : ",").append("{\"policy\":{\"policy-type\":\"").append(type).append('"');
                if (type.equals("sts")) {
                    json.append(",\"policy-string\":[\"version: STSv1\",\"mode: ")
                            .append(p == 0 ? "enforce" : "testing").append('"');
                    for (String mx : d.mx) {
                        json.append(",\"mx: ").append(mx).append('"');
                    }
                    json.append(",\"max_age: 604800\"],\"mx-host\":[");
                    for (int i = 0; i < d.mx.length; i++) {
                        json.append(i == 0 ? "" : ",").append('"').append(d.mx[i]).append('"');
                    }
                    json.append(']');
                } else if (type.equals("tlsa")) {
                    json.append(",\"policy-string\":[\"3 1 1 ").append(BenchSupport.hex(
                            BenchSupport.random(d.index * 31L + p), 64)).append("\"]");
                }
                json.append(",\"policy-domain\":\"").append(policyDomain).append("\"},");
                long failed = 0;
                StringBuilder fd = new StringBuilder();
                for (int i = 0; i < mine; i++) {
                    int mx = r.nextInt(d.mx.length);
                    long sessions = 1 + (long) Math.min(5000, Math.exp(r.nextDouble() * 6));
                    failed += sessions;
                    fd.append(i == 0 ? "" : ",").append("{\"result-type\":\"")
                            .append(d.problems[r.nextInt(d.problems.length)])
                            .append("\",\"sending-mta-ip\":\"198.18.").append(reporterIndex).append('.')
                            .append(1 + r.nextInt(pool)).append("\",\"receiving-mx-hostname\":\"").append(d.mx[mx])
                            .append("\",\"receiving-ip\":\"").append(d.mxIp[mx])
                            .append("\",\"failed-session-count\":").append(sessions).append('}');
                }
                long successful = r.nextInt(Math.max(2, d.volume / 20));
                json.append("\"summary\":{\"total-successful-session-count\":").append(successful)
                        .append(",\"total-failure-session-count\":").append(failed).append('}');
                if (mine > 0) {
                    json.append(",\"failure-details\":[").append(fd).append(']');
                }
                json.append('}');
            }
            json.append("]}");
            return json.toString();
        }

        private static int weighted(Random r, int[] weights) {
            int total = Arrays.stream(weights).sum();
            int u = r.nextInt(total);
            for (int i = 0; i < weights.length; i++) {
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
            return weights.length - 1;
        }
    }

    /** A minimal RFC 8460 §5.3 report e-mail: multipart/report with a text part and the gzipped report, base64. */
    static byte[] email(String subject, String from, String messageId, String date, String domain, String submitter,
                        String fileName, byte[] gzip) {
        StringBuilder b = new StringBuilder(gzip.length * 4 / 3 + 1200);
        b.append("From: ").append(from).append("\r\nTo: ").append(RUA).append("\r\nSubject: ").append(subject)
                .append("\r\nDate: ").append(date).append("\r\nMessage-ID: ").append(messageId)
                .append("\r\nTLS-Report-Domain: ").append(domain).append("\r\nTLS-Report-Submitter: ")
                .append(submitter).append("\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; "
                        + "report-type=\"tlsrpt\"; boundary=\"=_tlsrpt_seed\"\r\n\r\n--=_tlsrpt_seed\r\n"
                        + "Content-Type: text/plain; charset=us-ascii\r\n\r\nThis is an aggregate TLS report from ")
                .append(submitter).append(" (synthetic, made by the benchmark seeder).\r\n\r\n--=_tlsrpt_seed\r\n"
                        + "Content-Type: application/tlsrpt+gzip\r\nContent-Disposition: attachment; filename=\"")
                .append(fileName).append("\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                .append(Base64.getMimeEncoder(76, new byte[]{'\r', '\n'}).encodeToString(gzip))
                .append("\r\n--=_tlsrpt_seed--\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    /**
     * The database of a benchmark: H2 (the app's file database in the data directory) or an embedded PostgreSQL
     * server whose cluster is kept in {@code DIR/pg}, so that a seeded directory can be probed again later.
     */
    public static final class BenchDatabase implements AutoCloseable {
        private final EmbeddedPostgres postgres;
        private final Path dir;
        private final int port;

        private BenchDatabase(EmbeddedPostgres postgres, Path dir, int port) {
            this.postgres = postgres;
            this.dir = dir;
            this.port = port;
        }

        public static BenchDatabase open(String database, Path dataDir, int port) throws IOException {
            if ("h2".equals(database)) {
                return new BenchDatabase(null, dataDir, 0);
            }
            if (!"postgres".equals(database)) {
                throw new IllegalArgumentException("--database h2 or postgres, not " + database);
            }
            Path cluster = dataDir.resolve("pg");
            boolean fresh = !Files.exists(cluster.resolve("PG_VERSION"));
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(cluster)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("shared_buffers", "512MB")
                    .setServerConfig("max_connections", "100")
                    .setRegisterShutdownHook(true)
                    .start();
            if (fresh) {
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("ALTER USER postgres PASSWORD 'postgres'");
                    s.execute("CREATE DATABASE tlsrpt");
                } catch (SQLException e) {
                    pg.close();
                    throw new IllegalStateException("cannot create the database", e);
                }
            }
            return new BenchDatabase(pg, dataDir, port);
        }

        /**
         * H2 only: while seeding, commits are written to disk at most every second (H2's default is every 500 ms;
         * the collector's spool, not H2, makes an acknowledged message durable) and the page cache is 512 MB.
         * WRITE_DELAY is kept in the database file: {@link #afterSeeding} sets H2's default back, so that a collector
         * started on the seeded store writes as a fresh one does.
         */
        void beforeSeeding(ApplicationContext ctx) {
            if (postgres == null) {
                ctx.getBean(Database.class).inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET WRITE_DELAY " + Integer.getInteger("seeder.h2.writeDelay", 1000));
                        s.execute("SET CACHE_SIZE " + Integer.getInteger("seeder.h2.cacheKb", 524_288));
                    }
                    return null;
                });
            }
        }

        void afterSeeding(ApplicationContext ctx) {
            if (postgres == null) {
                ctx.getBean(Database.class).inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET WRITE_DELAY 500");
                    }
                    return null;
                });
            }
        }

        /** datasources.default.* for the context. */
        public Map<String, Object> datasource() {
            if (postgres == null) {
                return Map.of();
            }
            return Map.of("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + port + "/tlsrpt",
                    "datasources.default.driver-class-name", "org.postgresql.Driver",
                    "datasources.default.username", "postgres", "datasources.default.password", "postgres");
        }

        public String where() {
            return postgres == null ? "H2 file database in " + dir : "PostgreSQL database tlsrpt, cluster in "
                    + dir.resolve("pg") + ", port " + port;
        }

        /** Bytes of the data: the H2 files, or pg_database_size. */
        public long size(ApplicationContext ctx) {
            if (postgres == null) {
                return BenchSupport.dirSize(dir);
            }
            return ctx.getBean(Database.class).read(c -> scalar(c, "SELECT pg_database_size(current_database())"));
        }

        @Override
        public void close() throws IOException {
            if (postgres != null) {
                postgres.close();
            }
        }
    }
}
