package io.tlsrpt.collector.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * Sustained SMTP load for a given time, to see whether processing keeps pace and memory stays flat. M sessions
 * (default 8), one connection per message, at full speed or at {@code --rate R} messages per second in total; the
 * messages are made one at a time ({@link MailTemplates}), so the client's memory does not grow with the duration.
 * Every {@code --interval} seconds (default 10) it prints: messages sent, accepted/s and the p50/p99 of end of DATA
 * → 250 in that interval, messages processed so far and in that interval, the backlog (accepted by SMTP in this
 * run and not processed yet; {@code messagesPending} of {@code /api/stats} beside it), the collector's heap after a
 * forced full GC ({@code MemoryMXBean.gc()} then {@code getHeapMemoryUsage().getUsed()}, over JMX when the collector
 * is a separate JVM), its RSS ({@code /proc/PID/status} VmRSS) and CPU in the interval, and the data directory's
 * size. When the time is up it waits (at most {@code --drain} seconds, default 300) until the backlog is 0, then
 * prints whether the backlog grew (first third of the samples against the last third) and the heap's trend. It
 * stops sending early when the data directory's file system has less than {@code --min-free-gb} (default 5) free
 * or the data directory holds more than {@code --max-data-gb} (default 20).
 *
 * <p>Arguments: {@code --duration S} (default 60), {@code --sessions M}, {@code --rate R} (0: full speed),
 * {@code --profile heavy|realistic} (the e-mails, {@link ReportMails.Profile}; heavy by default),
 * {@code --interval S}, {@code --drain S}, and the collector options of {@link BenchCollector#start}
 * ({@code --collector fork} for a separate JVM). Prints figures; asserts nothing about time.
 */
public final class SoakBenchmark {

    record Sample(double t, long sent, long accepted, long failed, double acceptedPerSecond, double p50, double p99,
                  long processed, double processedPerSecond, long backlog, long pending, double heapMb, double rssMb,
                  double cpuPercent, double dataMb, boolean sending) {
    }

    private SoakBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        int duration = args.integer("duration", 0, "bench.duration", 60);
        int m = args.integer("sessions", 1, "bench.sessions", 8);
        double rate = args.decimal("rate", 0);
        int interval = args.integer("interval", -1, "bench.interval", 10);
        int drain = args.integer("drain", -1, "bench.drain", 300);
        long minFree = (long) (args.decimal("min-free-gb", 5) * 1024 * 1024 * 1024);
        long maxData = (long) (args.decimal("max-data-gb", 20) * 1024 * 1024 * 1024);
        int cores = Runtime.getRuntime().availableProcessors();
        String run = Long.toString(System.currentTimeMillis(), 36);
        ReportMails.Profile profile = ReportMails.Profile.valueOf(args.string("profile", "heavy")
                .toUpperCase(Locale.ROOT));
        System.out.printf(Locale.ROOT, "SoakBenchmark: %d s, %d concurrent SMTP sessions, one connection per message, "
                        + "%s; profile %s; samples every %d s; %d cores; java %s%n", duration, m,
                rate > 0 ? String.format(Locale.ROOT, "at %.0f messages/s", rate) : "at full speed",
                profile.name().toLowerCase(Locale.ROOT), interval, cores, System.getProperty("java.version"));
        MailTemplates templates = MailTemplates.build("soak-" + run, profile);
        MailTemplates.check(templates.message(0), MailTemplates.id("soak-" + run, 0));
        System.out.printf(Locale.ROOT, "messages: %d templates built with ReportMail.build, %d bytes (message 1), "
                + "made one at a time with their own report-id%n", templates.size(), templates.message(1).length);

        try (BenchCollector c = BenchCollector.start(args)) {
            System.out.println(c.describe());
            int port = c.smtpPort();
            int warm = 200;
            MailTemplates warmMails = MailTemplates.build("soak-warmup-" + run, profile);
            for (int i = 0; i < warm; i++) {
                SmtpClient.send(port, warmMails.message(i), ReportMails.RUA);
            }
            SmtpLoadBenchmark.awaitProcessed(c, 0, warm, 120_000);
            long baseProcessed = processed(c.stats());
            System.out.println("warm-up: " + warm + " messages sent and processed");

            AtomicLong next = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicLong accepted = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            LatencyHistogram window = new LatencyHistogram();
            LatencyHistogram all = new LatencyHistogram();
            long start = System.nanoTime();
            long end = start + duration * 1_000_000_000L;
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < m; t++) {
                MailTemplates gen = templates.copy();
                Thread s = new Thread(() -> {
                    while (!stop.get()) {
                        long k = next.getAndIncrement();
                        long now = System.nanoTime();
                        if (rate > 0) {
                            long due = start + (long) (k * 1e9 / rate);
                            if (due >= end) {
                                break;
                            }
                            if (due > now) {
                                try {
                                    Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        } else if (now >= end) {
                            break;
                        }
                        try {
                            long d = SmtpClient.send(port, gen.message(k), ReportMails.RUA);
                            window.record(d);
                            all.record(d);
                            accepted.incrementAndGet();
                        } catch (IOException | RuntimeException e) {
                            failed.incrementAndGet();
                            if (errors.size() < 5) {
                                errors.add("message " + k + ": " + e);
                            }
                        }
                    }
                }, "soak-sender-" + t);
                senders.add(s);
                s.start();
            }

            System.out.println();
            System.out.println("     t     sent  acc/s  fail  p50 ms  p99 ms  processed  proc/s  backlog  pending  "
                    + "heap MB  RSS MB   CPU%  data MB");
            Sampler sampler = new Sampler(c, start, baseProcessed, next, accepted, failed, window);
            List<Sample> samples = new ArrayList<>();
            for (int tick = 1; ; tick++) {
                long due = Math.min(start + tick * interval * 1_000_000_000L, end);
                sleepUntil(due);
                long free = java.nio.file.Files.getFileStore(c.dataDir()).getUsableSpace();
                if (free < minFree) {
                    System.out.printf(Locale.ROOT, "-- STOPPED EARLY: %.1f GB free on the data directory's file "
                            + "system, under --min-free-gb %.1f%n", free / 1073741824.0, minFree / 1073741824.0);
                    stop.set(true);
                }
                long data = BenchSupport.dirSize(c.dataDir());
                if (data > maxData) {
                    System.out.printf(Locale.ROOT, "-- STOPPED EARLY: the data directory holds %.1f GB, over "
                            + "--max-data-gb %.1f%n", data / 1073741824.0, maxData / 1073741824.0);
                    stop.set(true);
                }
                if (due >= end || stop.get()) {
                    for (Thread s : senders) {
                        s.join(120_000);
                    }
                    samples.add(sampler.sample(true));
                    break;
                }
                samples.add(sampler.sample(true));
            }
            System.out.println("-- sending ended; waiting (at most " + drain + " s) for processing to catch up");
            long ended = System.nanoTime();
            Double drainedAfter = null;
            long lastPrint = ended;
            while (System.nanoTime() - ended < drain * 1_000_000_000L) {
                sleepUntil(System.nanoTime() + 1_000_000_000L);
                JsonNode stats = c.stats();
                long backlog = accepted.get() - (processed(stats) - baseProcessed);
                if (backlog <= 0 && stats.get("messagesPending").asLong() <= 0) {
                    drainedAfter = (System.nanoTime() - ended) / 1e9;
                    samples.add(sampler.sample(false));
                    break;
                }
                if (System.nanoTime() - lastPrint >= interval * 1_000_000_000L) {
                    samples.add(sampler.sample(false));
                    lastPrint = System.nanoTime();
                }
            }

            errors.forEach(e -> System.out.println("  " + e));
            summary(samples, all, accepted.get(), failed.get(), samples.stream().filter(Sample::sending)
                    .mapToDouble(Sample::t).max().orElse(duration), drainedAfter, drain, c);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long now = System.nanoTime();
        if (nanoTime > now) {
            Thread.sleep((nanoTime - now) / 1_000_000, (int) ((nanoTime - now) % 1_000_000));
        }
    }

    /** One line of figures per call, each over the time since the previous call. */
    private static final class Sampler {
        private final BenchCollector c;
        private final long start;
        private final long baseProcessed;
        private final AtomicLong next;
        private final AtomicLong accepted;
        private final AtomicLong failed;
        private final LatencyHistogram window;
        private long lastCpu;
        private long lastAccepted;
        private long lastProcessed;
        private long lastTick;

        Sampler(BenchCollector c, long start, long baseProcessed, AtomicLong next, AtomicLong accepted,
                AtomicLong failed, LatencyHistogram window) {
            this.c = c;
            this.start = start;
            this.baseProcessed = baseProcessed;
            this.next = next;
            this.accepted = accepted;
            this.failed = failed;
            this.window = window;
            this.lastCpu = c.cpuNanos();
            this.lastTick = start;
        }

        Sample sample(boolean sending) {
            long now = System.nanoTime();
            double secs = (now - lastTick) / 1e9;
            LatencyHistogram w = window.drain();
            long acc = accepted.get();
            JsonNode stats = c.stats();
            long processed = processed(stats) - baseProcessed;
            long cpu = c.cpuNanos();
            BenchCollector.Heap heap = c.heapAfterGc();
            Sample s = new Sample((now - start) / 1e9, Math.min(next.get(), acc + failed.get()), acc, failed.get(),
                    (acc - lastAccepted) / secs, w.percentileMillis(50), w.percentileMillis(99), processed,
                    (processed - lastProcessed) / secs, acc - processed, stats.path("messagesPending").asLong(-1),
                    BenchSupport.mb(heap.usedAfter()), BenchSupport.mb(c.rssBytes()),
                    cpu < 0 || lastCpu < 0 ? Double.NaN : 100.0 * (cpu - lastCpu) / (now - lastTick),
                    BenchSupport.mb(BenchSupport.dirSize(c.dataDir())), sending);
            System.out.printf(Locale.ROOT, "%6.0f %8d %6.0f %5d %7.2f %7.2f %10d %7.0f %8d %8d %8.1f %7.0f %6.0f "
                            + "%8.1f%s%n", s.t(), s.sent(), s.acceptedPerSecond(), s.failed(), s.p50(), s.p99(),
                    s.processed(), s.processedPerSecond(), s.backlog(), s.pending(), s.heapMb(), s.rssMb(),
                    s.cpuPercent(), s.dataMb(), sending ? "" : "  (draining)");
            lastCpu = cpu;
            lastAccepted = acc;
            lastProcessed = processed;
            lastTick = now;
            return s;
        }
    }

    /** Messages stored and processed: received minus pending. */
    static long processed(JsonNode stats) {
        return stats.get("messagesReceived").asLong() - stats.get("messagesPending").asLong();
    }

    private static void summary(List<Sample> samples, LatencyHistogram all, long accepted, long failed, double duration,
                                Double drainedAfter, int drain, BenchCollector c) {
        List<Sample> run = samples.stream().filter(Sample::sending).toList();
        Sample last = run.isEmpty() ? samples.get(samples.size() - 1) : run.get(run.size() - 1);
        System.out.println();
        System.out.println("== soak summary (indicative: figures depend on what else the machine's cores do) ==");
        System.out.printf(Locale.ROOT, "accepted                 %d in %.1f s = %.1f messages/s; %d failed%n", accepted,
                duration, accepted / duration, failed);
        System.out.printf(Locale.ROOT, "end of DATA -> 250       p50 %.2f ms  p99 %.2f ms  max %.2f ms (whole run)%n",
                all.percentileMillis(50), all.percentileMillis(99), all.maxMillis());
        System.out.printf(Locale.ROOT, "processed while sending  %d = %.1f messages/s%n", last.processed(),
                last.processed() / last.t());
        System.out.println("backlog at the end       " + last.backlog() + " messages; " + (drainedAfter != null
                ? String.format(Locale.ROOT, "processing caught up %.1f s after sending ended", drainedAfter)
                : "NOT caught up " + drain + " s after sending ended"));
        if (run.size() >= 3) {
            int third = run.size() / 3;
            List<Sample> first = run.subList(0, third);
            List<Sample> lastThird = run.subList(run.size() - third, run.size());
            double b1 = mean(first, s -> s.backlog());
            double b3 = mean(lastThird, s -> s.backlog());
            double perSecond = mean(run, Sample::acceptedPerSecond);
            boolean grew = b3 - b1 > Math.max(50, perSecond); // more than a second of intake
            System.out.printf(Locale.ROOT, "backlog                  first third mean %.0f, last third mean %.0f, max %d "
                            + "-> %s%n", b1, b3, run.stream().mapToLong(Sample::backlog).max().orElse(0),
                    grew ? "GREW (processing does not keep pace)" : "did not grow");
            double h1 = mean(first, Sample::heapMb);
            double h3 = mean(lastThird, Sample::heapMb);
            System.out.printf(Locale.ROOT, "heap after full GC       first third mean %.1f MB, last third mean %.1f MB, "
                            + "min %.1f, max %.1f, slope %.2f MB/min -> %s%n", h1, h3,
                    run.stream().mapToDouble(Sample::heapMb).min().orElse(0),
                    run.stream().mapToDouble(Sample::heapMb).max().orElse(0), slope(run, Sample::heapMb) * 60,
                    h3 - h1 > Math.max(5, 0.1 * h1) ? "GROWING" : "flat");
            System.out.printf(Locale.ROOT, "RSS                      first %.0f MB, last %.0f MB; data directory first "
                            + "%.1f MB, last %.1f MB%n", run.get(0).rssMb(), last.rssMb(), run.get(0).dataMb(),
                    last.dataMb());
        } else {
            System.out.println("too few samples for trends (run longer than 3 intervals)");
        }
        System.out.println("collector after drain    " + c.heapAfterGc());
        if (c.separateProcess()) {
            System.out.println("client JVM               " + BenchCollector.heapOf(
                    java.lang.management.ManagementFactory.getMemoryMXBean()));
        }
    }

    private static double mean(List<Sample> s, ToDoubleFunction<Sample> f) {
        return s.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** Least-squares slope of f over time (per second). */
    private static double slope(List<Sample> s, ToDoubleFunction<Sample> f) {
        double mt = mean(s, Sample::t);
        double mf = mean(s, f);
        double num = 0;
        double den = 0;
        for (Sample x : s) {
            num += (x.t() - mt) * (f.applyAsDouble(x) - mf);
            den += (x.t() - mt) * (x.t() - mt);
        }
        return den == 0 ? Double.NaN : num / den;
    }
}
