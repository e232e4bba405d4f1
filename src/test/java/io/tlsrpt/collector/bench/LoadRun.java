package io.tlsrpt.collector.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of prebuilt messages over M concurrent sessions, one connection per message, with
 * {@link SmtpClient}: the same code against the collector and against smtp-sink.
 */
final class LoadRun {
    static final long TIMEOUT_MILLIS = 10 * 60_000;

    /**
     * @param dataToReplyMs sorted, of the accepted messages: end of DATA ({@code .CRLF} written) to the 250
     * @param sessionMs     sorted, of the accepted messages: connect to the 221 of QUIT
     */
    record Result(int attempted, int accepted, int failed, List<String> errors, long wallNanos, long clientCpuNanos,
                  double[] dataToReplyMs, double[] sessionMs) {

        double acceptedPerSecond() {
            return accepted / (wallNanos / 1e9);
        }

        double p(double percentile) {
            return BenchSupport.percentile(dataToReplyMs, percentile);
        }

        void print(String label, boolean oneJvm) {
            System.out.printf(Locale.ROOT, "%-26s %d of %d accepted (250), %d failed%n", label + " accepted",
                    accepted, attempted, failed);
            errors.forEach(e -> System.out.println("  " + e));
            System.out.printf(Locale.ROOT, "%-26s %.2f s  -> %.1f messages/s accepted%n", label + " send phase",
                    wallNanos / 1e9, acceptedPerSecond());
            System.out.printf(Locale.ROOT, "%-26s p50 %.2f ms  p99 %.2f ms  max %.2f ms  mean %.2f ms%n",
                    label + " end of DATA -> 250", p(50), p(99),
                    dataToReplyMs.length == 0 ? Double.NaN : dataToReplyMs[dataToReplyMs.length - 1],
                    Arrays.stream(dataToReplyMs).average().orElse(Double.NaN));
            System.out.printf(Locale.ROOT, "%-26s p50 %.2f ms  p99 %.2f ms%n", label + " whole session",
                    BenchSupport.percentile(sessionMs, 50), BenchSupport.percentile(sessionMs, 99));
            if (clientCpuNanos >= 0) {
                System.out.printf(Locale.ROOT, "%-26s %.2f s CPU (%.0f%% of one core over the send phase)%s%n",
                        label + " client JVM", clientCpuNanos / 1e9, 100.0 * clientCpuNanos / wallNanos,
                        oneJvm ? " (client and collector: one JVM)" : "");
            }
        }
    }

    private LoadRun() {
    }

    /** Sends {@code messages[0..n)} over {@code sessions} threads; each thread takes the next message. */
    static Result run(int port, byte[][] messages, int sessions) throws InterruptedException {
        int n = messages.length;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long[] dataToReply = new long[n];
        long[] sessionNanos = new long[n];
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        long cpu0 = BenchCollector.ownCpuNanos();
        long start = System.nanoTime();
        for (int t = 0; t < sessions; t++) {
            pool.execute(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n && System.currentTimeMillis() < deadline) {
                    long s = System.nanoTime();
                    try {
                        dataToReply[i] = SmtpClient.send(port, messages[i], ReportMails.RUA);
                        sessionNanos[i] = System.nanoTime() - s;
                    } catch (IOException | RuntimeException e) {
                        failures.incrementAndGet();
                        dataToReply[i] = -1;
                        if (errors.size() < 5) {
                            errors.add("message " + i + ": " + e);
                        }
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(TIMEOUT_MILLIS + 30_000, TimeUnit.MILLISECONDS)) {
            pool.shutdownNow();
            throw new IllegalStateException("send phase did not end in time");
        }
        long wall = System.nanoTime() - start;
        long cpu1 = BenchCollector.ownCpuNanos();
        int attempted = Math.min(next.get(), n);
        double[] replyMs = Arrays.stream(dataToReply).filter(v -> v > 0).mapToDouble(v -> v / 1e6).sorted().toArray();
        double[] sessionMs = Arrays.stream(sessionNanos).filter(v -> v > 0).mapToDouble(v -> v / 1e6).sorted()
                .toArray();
        return new Result(attempted, attempted - failures.get(), failures.get(), new ArrayList<>(errors), wall,
                cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0, replyMs, sessionMs);
    }

    /** Sends a few messages one at a time (JIT, pools, database pages), failing on the first error. */
    static void warmUp(int port, ReportMails mails, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            SmtpClient.send(port, mails.message(i), ReportMails.RUA);
        }
    }
}
