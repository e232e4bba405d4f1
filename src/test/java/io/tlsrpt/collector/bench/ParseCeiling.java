package io.tlsrpt.collector.bench;

import io.tlsrpt.collector.mail.FoundReports;
import io.tlsrpt.collector.mail.MailLimits;
import io.tlsrpt.collector.mail.ReportFinder;
import io.tlsrpt.collector.mail.ReportPart;
import io.tlsrpt.collector.report.ParseLimits;
import io.tlsrpt.collector.report.ParseOutcome;
import io.tlsrpt.collector.report.ReportParser;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The in-process parse ceiling: what this machine's cores can do over the same messages with no SMTP and no
 * database, on all available cores (one thread per core, each taking the next message), after untimed passes
 * over all of them for at least {@link #WARM_NANOS}; the timed passes repeat until at least {@link #MIN_NANOS} has
 * passed. Three steps:
 * <ol>
 *     <li>gunzip + Jackson tree ({@code GZIPInputStream} + {@code ObjectMapper.readTree}) over the report's gzip
 *     bytes (the exact bytes of the e-mail's report part, as {@code ReportFinder} decodes them);</li>
 *     <li>gunzip + the project's {@code ReportParser} (streaming, with its checks) over the same bytes;</li>
 *     <li>the whole e-mail: {@code ReportFinder} (MIME walk, base64) + gunzip + {@code ReportParser}, which is what
 *     processing does before it writes to the database.</li>
 * </ol>
 */
final class ParseCeiling {
    static final long MIN_NANOS = 3_000_000_000L;
    static final long WARM_NANOS = 2_000_000_000L;

    record Figure(String name, double perSecond, long messages, double seconds) {
    }

    private interface Step {
        /** Returns something derived from the result so that the JIT cannot drop the work. */
        long apply(int i) throws IOException;
    }

    private ParseCeiling() {
    }

    static List<Figure> run(byte[][] emails, int threads) throws InterruptedException {
        ReportFinder finder = new ReportFinder(MailLimits.defaults());
        byte[][] gzips = new byte[emails.length][];
        for (int i = 0; i < emails.length; i++) {
            FoundReports found = finder.find(emails[i]);
            if (found.parts().size() != 1) {
                throw new IllegalStateException("message " + i + ": " + found.parts().size() + " report parts, "
                        + found.problems());
            }
            gzips[i] = found.parts().get(0).body();
        }
        ReportParser parser = new ReportParser();
        ParseLimits limits = ParseLimits.defaults();
        long maxReport = MailLimits.defaults().maxReportSize();
        List<Figure> out = new ArrayList<>();
        out.add(measure("gunzip + Jackson readTree", gzips.length, threads, i -> {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzips[i]), 8192)) {
                return BenchSupport.JSON.readTree(in).size();
            }
        }));
        out.add(measure("gunzip + ReportParser", gzips.length, threads, i -> {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzips[i]), 8192)) {
                return parsed(parser.parse(in, limits), i);
            }
        }));
        out.add(measure("MIME + gunzip + ReportParser", emails.length, threads, i -> {
            ReportPart part = finder.find(emails[i]).parts().get(0);
            try (InputStream in = part.openJson(maxReport)) {
                return parsed(parser.parse(in, limits), i);
            }
        }));
        // ReportFinder names jakarta.mail's StreamProvider in a system property (its class javadoc), so the MIME step
        // no longer scans the class path per part and costs the same here as in a forked collector.
        return out;
    }

    private static long parsed(ParseOutcome outcome, int i) {
        if (outcome instanceof ParseOutcome.Parsed p) {
            return p.report().reportId().length();
        }
        throw new IllegalStateException("message " + i + " not parsed: " + outcome);
    }

    private static Figure measure(String name, int n, int threads, Step step) throws InterruptedException {
        long warmStart = System.nanoTime(); // warm-up: at least one pass and WARM_NANOS
        do {
            pass(n, threads, step);
        } while (System.nanoTime() - warmStart < WARM_NANOS);
        long messages = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            pass(n, threads, step);
            messages += n;
            elapsed = System.nanoTime() - start;
        } while (elapsed < MIN_NANOS);
        Figure f = new Figure(name, messages / (elapsed / 1e9), messages, elapsed / 1e9);
        System.out.printf(Locale.ROOT, "parse ceiling  %-30s %9.0f messages/s  (%d messages in %.2f s, %d threads)%n",
                name, f.perSecond(), messages, f.seconds(), threads);
        return f;
    }

    private static void pass(int n, int threads, Step step) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong sink = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                long acc = 0;
                int i;
                try {
                    while ((i = next.getAndIncrement()) < n) {
                        acc += step.apply(i);
                    }
                } catch (IOException e) {
                    synchronized (failure) {
                        failure[0] = new UncheckedIOException(e);
                    }
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
                sink.addAndGet(acc);
            }, "parse-ceiling-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        synchronized (failure) {
            if (failure[0] != null) {
                throw new IllegalStateException("parse ceiling failed", failure[0]);
            }
        }
        if (sink.get() == 42) {
            System.out.print(""); // keeps the results alive
        }
    }
}
