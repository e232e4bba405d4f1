package io.tlsrpt.collector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Session;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * SMTP load with its baselines, in one run. N report e-mails (default 2,000) over M concurrent sessions (default 8),
 * one connection per message as real senders do, each a gzip report e-mail of about 5 KB ({@link ReportMails}):
 * <ol>
 *     <li>against a whole collector (default settings, any recipient) on loopback, in this JVM or with
 *     {@code --collector fork} as a separate JVM from the fat jar ({@link BenchCollector}); prints accepted/s,
 *     processed/s (until every report is stored and nothing is pending), p50/p99 from the end of DATA to the 250
 *     (which covers the durable store of the raw message), CPU of client and collector, the collector's heap after
 *     a full GC, its RSS and data directory;</li>
 *     <li>the same messages, sessions and client code against Postfix's {@code smtp-sink} ({@link SmtpSink}: the SMTP
 *     acceptance ceiling on loopback), skipped with a note when it is not installed;</li>
 *     <li>the in-process parse ceiling over the same messages ({@link ParseCeiling});</li>
 * </ol>
 * then a summary with the ratios. Prints figures; asserts nothing about time.
 *
 * <p>Arguments: {@code [N] [M]} or {@code --messages N --sessions M}, {@code --collector in-process|fork},
 * {@code --jar PATH}, {@code --collector-jvm "OPTIONS"}, {@code --collector-prop key=value},
 * {@code --warmup W} (messages per target before measuring; default N/20 between 20 and 500),
 * {@code --profile heavy|realistic} ({@link ReportMails.Profile}; heavy by default), {@code --no-sink},
 * {@code --no-parse}, {@code --accept-only} (with {@code --collector-prop
 * tlsrpt.processing.enabled=false}: acceptance alone, nothing processed).
 */
public final class SmtpLoadBenchmark {
    // Kept as they were for other bench classes (PageTimeBenchmark uses RUA and eml).
    static final String RUA = ReportMails.RUA;
    static final int DETAILS = ReportMails.DETAILS;
    static final int NOISE = ReportMails.NOISE;
    static final long PROCESS_TIMEOUT_MILLIS = 15 * 60_000;
    static final long POLL_MILLIS = 1000;

    private SmtpLoadBenchmark() {
    }

    /** Kept for PageTimeBenchmark: one report e-mail as this benchmark builds them. */
    static byte[] eml(Session session, byte[] json, String domain, String submitter, String reportId, LocalDate day)
            throws Exception {
        return ReportMails.eml(session, json, domain, submitter, reportId, day);
    }

    /** Kept for other bench classes: n report e-mails as this benchmark sends them. */
    static byte[][] build(int n) {
        ReportMails mails = new ReportMails("smtp-bench-" + Long.toString(System.currentTimeMillis(), 36));
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            out[i] = mails.message(i);
        }
        return out;
    }

    /** Kept for other bench classes: one SMTP session; {@code dataToReply[0]} gets end of DATA → 250 in ns. */
    static void send(int port, byte[] message, long[] dataToReply) throws java.io.IOException {
        dataToReply[0] = SmtpClient.send(port, message, RUA);
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        int n = args.integer("messages", 0, "bench.messages", 2_000);
        int m = args.integer("sessions", 1, "bench.sessions", 8);
        int warm = args.integer("warmup", -1, "bench.warmup", Math.max(20, Math.min(500, n / 20)));
        int cores = Runtime.getRuntime().availableProcessors();
        boolean acceptOnly = args.has("accept-only");
        if (acceptOnly && !args.all("collector-prop").contains("tlsrpt.processing.enabled=false")) {
            throw new IllegalArgumentException("--accept-only wants --collector-prop tlsrpt.processing.enabled=false");
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        ReportMails.Profile profile = ReportMails.Profile.valueOf(
                args.string("profile", "heavy").toUpperCase(Locale.ROOT));
        System.out.printf(Locale.ROOT, "SmtpLoadBenchmark: %d messages over %d concurrent SMTP sessions, one connection "
                + "per message; %d warm-up messages per target; profile %s; %d cores; java %s%n", n, m, warm,
                profile.name().toLowerCase(Locale.ROOT), cores,
                System.getProperty("java.version"));

        long b0 = System.nanoTime();
        ReportMails mails = new ReportMails("smtp-bench-" + run, profile);
        byte[][] messages = new byte[n][];
        for (int i = 0; i < n; i++) {
            messages[i] = mails.message(i);
        }
        // (one thread; the messages are built before any timing starts)
        double buildSeconds = (System.nanoTime() - b0) / 1e9;
        long total = Arrays.stream(messages).mapToLong(b -> b.length).sum();
        System.out.printf(Locale.ROOT, "built %d report e-mails in %.1f s (%.0f/s on one thread), average size %.0f "
                        + "bytes (min %d, max %d)%n", n, buildSeconds, n / buildSeconds, (double) total / n,
                Arrays.stream(messages).mapToInt(b -> b.length).min().orElse(0),
                Arrays.stream(messages).mapToInt(b -> b.length).max().orElse(0));

        // 1. The collector.
        System.out.println();
        System.out.println("== collector ==");
        LoadRun.Result collector;
        double processSeconds;
        try (BenchCollector c = BenchCollector.start(args)) {
            System.out.println(c.describe());
            int port = c.smtpPort();
            LoadRun.warmUp(port, new ReportMails("smtp-bench-warmup-" + run, profile), warm);
            if (acceptOnly) {
                // Acceptance alone (the collector started with tlsrpt.processing.enabled=false): messages are
                // stored and spooled but not processed, so nothing is waited for after the last 250.
                long cpu0 = c.cpuNanos();
                collector = LoadRun.run(port, messages, m);
                long cpuSend = c.cpuNanos();
                collector.print("collector", !c.separateProcess());
                System.out.printf(Locale.ROOT, "%-26s %.2f s CPU in the send phase (%.0f%% of one core)%n",
                        "collector JVM", (cpuSend - cpu0) / 1e9, 100.0 * (cpuSend - cpu0) / collector.wallNanos());
                processSeconds = Double.NaN;
            } else {
            JsonNode base = awaitProcessed(c, 0, warm, 120_000);
            long baseReports = base.get("reportsStored").asLong();
            long cpu0 = c.cpuNanos();
            long start = System.nanoTime();
            collector = LoadRun.run(port, messages, m);
            long cpuSend = c.cpuNanos();
            JsonNode stats = awaitProcessed(c, baseReports, collector.accepted(), PROCESS_TIMEOUT_MILLIS);
            long cpuEnd = c.cpuNanos();
            processSeconds = (System.nanoTime() - start) / 1e9;
            double sendSeconds = collector.wallNanos() / 1e9;
            collector.print("collector", !c.separateProcess());
            System.out.printf(Locale.ROOT, "%-26s %.2f s  -> %.1f messages/s processed (processing ended %.2f s "
                            + "after the last 250)%n", "collector until processed", processSeconds,
                    collector.accepted() / processSeconds, processSeconds - sendSeconds);
            if (cpu0 >= 0 && c.separateProcess()) {
                System.out.printf(Locale.ROOT, "%-26s %.2f s CPU in the send phase (%.0f%% of one core), %.2f s "
                                + "until processed (%.0f%%)%n", "collector JVM", (cpuSend - cpu0) / 1e9,
                        100.0 * (cpuSend - cpu0) / collector.wallNanos(), (cpuEnd - cpu0) / 1e9,
                        100.0 * (cpuEnd - cpu0) / (processSeconds * 1e9));
            }
            System.out.println("stats                      " + stats);
            }
            System.out.println("collector                  " + c.heapAfterGc() + (c.separateProcess() ? ""
                    : String.format(Locale.ROOT, " (client and collector in one JVM: includes the client's %d "
                    + "messages, %.1f MB)", n, BenchSupport.mb(total))));
            System.out.printf(Locale.ROOT, "collector                  RSS %.0f MB; data directory %.1f MB%n",
                    BenchSupport.mb(c.rssBytes()), BenchSupport.mb(BenchSupport.dirSize(c.dataDir())));
        }

        // 2. smtp-sink.
        System.out.println();
        System.out.println("== smtp-sink (Postfix; SMTP acceptance ceiling on loopback) ==");
        LoadRun.Result sink = null;
        Path binary = SmtpSink.find();
        if (args.has("no-sink")) {
            System.out.println("smtp-sink baseline skipped (--no-sink)");
        } else if (binary == null) {
            System.out.println("smtp-sink not installed: baseline skipped (apt-get install postfix provides "
                    + "/usr/sbin/smtp-sink)");
        } else {
            try (SmtpSink s = SmtpSink.start(binary)) {
                LoadRun.warmUp(s.port(), new ReportMails("smtp-bench-warmup-" + run, profile), warm);
                sink = LoadRun.run(s.port(), messages, m);
                sink.print("smtp-sink", false);
            }
        }

        // 3. Parse ceiling.
        System.out.println();
        System.out.println("== in-process parse ceiling (no SMTP, no database; " + cores + " threads) ==");
        List<ParseCeiling.Figure> ceiling = args.has("no-parse") ? List.of() : ParseCeiling.run(messages, cores);

        // Summary.
        System.out.println();
        System.out.printf(Locale.ROOT, "== summary: %d messages, %d sessions, %d cores; indicative figures ==%n", n, m,
                cores);
        double processed = collector.accepted() / processSeconds; // NaN with --accept-only
        System.out.printf(Locale.ROOT, "collector accepted/s                 %9.1f%n", collector.acceptedPerSecond());
        if (!acceptOnly) {
            System.out.printf(Locale.ROOT, "collector processed/s                %9.1f%n", processed);
        }
        if (sink != null) {
            System.out.printf(Locale.ROOT, "smtp-sink accepted/s                 %9.1f%n", sink.acceptedPerSecond());
            System.out.printf(Locale.ROOT, "ratio collector/smtp-sink accepted/s %9.3f%n",
                    collector.acceptedPerSecond() / sink.acceptedPerSecond());
        }
        for (ParseCeiling.Figure f : ceiling) {
            System.out.printf(Locale.ROOT, "parse ceiling/s %-30s %9.0f   ratio collector processed/s / it %.4f%n",
                    f.name(), f.perSecond(), processed / f.perSecond());
        }
        System.out.printf(Locale.ROOT, "end of DATA -> 250 collector         p50 %.2f ms  p99 %.2f ms%n",
                collector.p(50), collector.p(99));
        if (sink != null) {
            System.out.printf(Locale.ROOT, "end of DATA -> 250 smtp-sink         p50 %.2f ms  p99 %.2f ms%n",
                    sink.p(50), sink.p(99));
        }
        if (collector.failed() > 0 || (sink != null && sink.failed() > 0)) {
            System.out.println("NOTE: some messages failed; see above");
        }
    }

    /**
     * Polls {@code /api/stats} every {@value #POLL_MILLIS} ms until nothing is pending and {@code baseReports +
     * accepted} reports are stored. Each call costs the collector CPU, and more while it writes: H2 answers
     * {@code COUNT(*) FROM message} by reading the table when transactions are open. Every 50 ms was 5% of the
     * collector's samples under load; every 250 ms, on a backlog of 40,000 messages, 28% as many samples as
     * processing itself (BENCHMARKS.md, 2026-11-29).
     */
    static JsonNode awaitProcessed(BenchCollector c, long baseReports, long accepted, long timeoutMillis)
            throws InterruptedException {
        return awaitProcessed(c, baseReports, accepted, timeoutMillis, stats -> { });
    }

    /** As above; {@code eachPoll} sees every answer of {@code /api/stats} as it comes. */
    static JsonNode awaitProcessed(BenchCollector c, long baseReports, long accepted, long timeoutMillis,
                                   Consumer<JsonNode> eachPoll) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        JsonNode stats = null;
        while (System.currentTimeMillis() < deadline) {
            stats = c.stats();
            eachPoll.accept(stats);
            if (stats.get("messagesPending").asLong() == 0
                    && stats.get("reportsStored").asLong() >= baseReports + accepted) {
                return stats;
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new IllegalStateException("not processed after " + timeoutMillis / 1000 + " s: " + stats);
    }
}
