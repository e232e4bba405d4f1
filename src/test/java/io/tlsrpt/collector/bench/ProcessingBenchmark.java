package io.tlsrpt.collector.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Processing alone, with nothing else on the cores: how many stored report e-mails a collector processes per second,
 * and the CPU each one costs. The load and soak benchmarks measure processing while SMTP sessions and the client
 * take their share of the same cores, which makes their processed/s vary by a fifth from run to run; this one is
 * the figure to compare two builds or settings with.
 * <ol>
 *     <li>A collector with {@code tlsrpt.processing.enabled=false} receives N report e-mails over M sessions (as
 *     {@link SmtpLoadBenchmark} sends them) and stops: they are stored, not processed.</li>
 *     <li>A second collector starts on the same data directory with processing on, and works off the backlog (the
 *     path after a burst or an outage: the sweep fills the queue from the database). From the moment it answers
 *     HTTP until nothing is pending: processed/s, the collector's CPU per message, cores used.</li>
 * </ol>
 * Both run as separate JVMs ({@code --collector fork} is implied). Prints figures; asserts nothing about time.
 *
 * <p>Arguments: {@code --messages N} (default 20,000), {@code --sessions M} (8), {@code --profile heavy|realistic}
 * (realistic), {@code --jar PATH}, {@code --collector-jvm "OPTIONS"}, {@code --collector-prop key=value} (both
 * collectors).
 */
public final class ProcessingBenchmark {
    private ProcessingBenchmark() {
    }

    /** The collector at one moment: time, its CPU so far, reports stored. */
    private record Sample(long nanos, long cpuNanos, long reports) {
    }

    private static void print(String label, Sample from, Sample to) {
        long processed = to.reports - from.reports;
        double seconds = (to.nanos - from.nanos) / 1e9;
        long cpu = to.cpuNanos - from.cpuNanos;
        System.out.printf(Locale.ROOT, "%-24s processed/s %7.1f   CPU per message %5.2f ms   cores %4.2f%n", label,
                processed / seconds, cpu / 1e6 / processed, cpu / (seconds * 1e9));
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        int n = args.integer("messages", 0, "bench.messages", 20_000);
        int m = args.integer("sessions", 1, "bench.sessions", 8);
        ReportMails.Profile profile = ReportMails.Profile.valueOf(
                args.string("profile", "realistic").toUpperCase(Locale.ROOT));
        if (!"fork".equals(args.string("collector", "fork"))) {
            throw new IllegalArgumentException("ProcessingBenchmark runs the collector as a separate JVM only");
        }
        String[] withFork = java.util.Arrays.copyOf(argv, argv.length + 2);
        withFork[argv.length] = "--collector";
        withFork[argv.length + 1] = "fork";
        BenchArgs forked = new BenchArgs(withFork);
        System.out.printf(Locale.ROOT, "ProcessingBenchmark: %d messages stored over %d sessions, then processed by a "
                        + "collector alone; profile %s; %d cores; java %s%n", n, m,
                profile.name().toLowerCase(Locale.ROOT), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        String run = Long.toString(System.currentTimeMillis(), 36);
        ReportMails mails = new ReportMails("process-bench-" + run, profile);
        byte[][] messages = new byte[n][];
        for (int i = 0; i < n; i++) {
            messages[i] = mails.message(i);
        }
        Path dataDir = Files.createTempDirectory("tlsrpt-bench-process");
        try {
            String dir = dataDir.toString();
            System.out.println();
            System.out.println("== 1. storing, processing off ==");
            try (BenchCollector c = BenchCollector.start(forked, Map.of("tlsrpt.data-dir", dir,
                    "tlsrpt.processing.enabled", "false"))) {
                LoadRun.Result stored = LoadRun.run(c.smtpPort(), messages, m);
                stored.print("stored", false);
                if (stored.failed() > 0) {
                    throw new IllegalStateException(stored.failed() + " messages were refused: " + stored.errors());
                }
            }
            System.out.println();
            System.out.println("== 2. processing the backlog, nothing else running ==");
            try (BenchCollector c = BenchCollector.start(forked, Map.of("tlsrpt.data-dir", dir))) {
                System.out.println(c.describe());
                JsonNode first = c.stats();
                long cpu0 = c.cpuNanos();
                long t0 = System.nanoTime();
                long reports0 = first.get("reportsStored").asLong();
                long half = reports0 + (n - reports0) / 2;
                Sample[] middle = new Sample[1];
                JsonNode last = SmtpLoadBenchmark.awaitProcessed(c, 0, n, SmtpLoadBenchmark.PROCESS_TIMEOUT_MILLIS,
                        stats -> {
                            long reports = stats.get("reportsStored").asLong();
                            if (middle[0] == null && reports >= half) {
                                middle[0] = new Sample(System.nanoTime(), c.cpuNanos(), reports);
                            }
                        });
                Sample end = new Sample(System.nanoTime(), c.cpuNanos(), last.get("reportsStored").asLong());
                Sample start = new Sample(t0, cpu0, reports0);
                System.out.printf(Locale.ROOT, "%-26s %d reports already stored when it answered (the sweep starts "
                        + "at once); %d processed in %.2f s%n", "processing", reports0, end.reports - reports0,
                        (end.nanos - t0) / 1e9);
                System.out.println("stats                      " + last);
                System.out.println("collector                  " + c.heapAfterGc());
                System.out.printf(Locale.ROOT, "collector                  RSS %.0f MB; data directory %.1f MB%n",
                        BenchSupport.mb(c.rssBytes()), BenchSupport.mb(BenchSupport.dirSize(dataDir)));
                System.out.println();
                System.out.printf(Locale.ROOT, "== summary: %d messages, profile %s; indicative figures ==%n", n,
                        profile.name().toLowerCase(Locale.ROOT));
                print("whole backlog", start, end);
                if (middle[0] != null && middle[0].reports < end.reports) {
                    print("second half (JIT warm)", middle[0], end);
                }
            }
        } finally {
            BenchSupport.deleteTree(dataDir);
        }
    }
}
