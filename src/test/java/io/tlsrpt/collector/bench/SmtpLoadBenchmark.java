package io.tlsrpt.collector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.collector.cli.ReportMail;
import io.tlsrpt.collector.support.Collector;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SMTP load: N report e-mails (default 2,000) over M concurrent sessions (default 8), one connection per message as
 * real senders do, each a gzip report e-mail of about 5 KB, to a whole collector (default settings, any recipient)
 * on loopback. A raw-socket SMTP client measures exactly the time from the end of DATA ({@code CRLF.CRLF} written)
 * to the 250, which covers the durable store of the raw message.
 *
 * <p>Prints figures; asserts nothing about time. Arguments: {@code [N] [M]} or {@code -Dbench.messages},
 * {@code -Dbench.sessions}. Client and collector share this JVM (and the machine's cores).
 */
public final class SmtpLoadBenchmark {
    static final String RUA = "tlsrpt@reports.example.com";
    static final long SEND_TIMEOUT_MILLIS = 10 * 60_000;
    static final long PROCESS_TIMEOUT_MILLIS = 15 * 60_000;
    /** Failure details per report, and random characters in each, for a ~5 KB e-mail. */
    static final int DETAILS = 20;
    static final int NOISE = 180;

    private SmtpLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = BenchSupport.intArg(args, 0, "bench.messages", 2_000);
        int m = BenchSupport.intArg(args, 1, "bench.sessions", 8);
        System.out.printf(Locale.ROOT, "SmtpLoadBenchmark: %d messages over %d concurrent SMTP sessions, %d cores, "
                + "java %s%n", n, m, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        byte[][] messages = build(n);
        long total = Arrays.stream(messages).mapToLong(b -> b.length).sum();
        System.out.printf(Locale.ROOT, "built %d report e-mails, average size %.0f bytes (min %d, max %d)%n", n,
                (double) total / n, Arrays.stream(messages).mapToInt(b -> b.length).min().orElse(0),
                Arrays.stream(messages).mapToInt(b -> b.length).max().orElse(0));

        Path dataDir = Files.createTempDirectory("tlsrpt-bench-smtp");
        try {
            try (Collector collector = Collector.start(dataDir, Map.of())) {
                int port = collector.smtpPort();
                // Warm-up outside the measurement: a few messages so that JIT, pools and H2 pages are alive.
                int warm = Math.min(20, n);
                for (int i = 0; i < warm; i++) {
                    send(port, warmupMessage(i), new long[1]);
                }
                BenchSupport.awaitProcessed(collector, warm, 60_000);
                long baseReports = BenchSupport.json(collector, "/api/stats").get("reportsStored").asLong();

                AtomicInteger next = new AtomicInteger();
                AtomicInteger failures = new AtomicInteger();
                ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
                long[] dataToReply = new long[n];
                long[] sessionNanos = new long[n];
                ExecutorService pool = Executors.newFixedThreadPool(m);
                long deadline = System.currentTimeMillis() + SEND_TIMEOUT_MILLIS;
                long start = System.nanoTime();
                for (int t = 0; t < m; t++) {
                    pool.execute(() -> {
                        int i;
                        while ((i = next.getAndIncrement()) < n && System.currentTimeMillis() < deadline) {
                            long s = System.nanoTime();
                            long[] reply = new long[1];
                            try {
                                send(port, messages[i], reply);
                                dataToReply[i] = reply[0];
                            } catch (IOException | RuntimeException e) {
                                failures.incrementAndGet();
                                dataToReply[i] = -1;
                                if (errors.size() < 5) {
                                    errors.add("message " + i + ": " + e);
                                }
                            }
                            sessionNanos[i] = System.nanoTime() - s;
                        }
                    });
                }
                pool.shutdown();
                if (!pool.awaitTermination(SEND_TIMEOUT_MILLIS + 30_000, TimeUnit.MILLISECONDS)) {
                    pool.shutdownNow();
                    throw new IllegalStateException("send phase did not end in time");
                }
                long sendEnd = System.nanoTime();
                int sent = Math.min(next.get(), n) - failures.get();
                JsonNode stats = BenchSupport.awaitProcessed(collector, baseReports + sent, PROCESS_TIMEOUT_MILLIS);
                long processedEnd = System.nanoTime();

                double sendSeconds = (sendEnd - start) / 1e9;
                double processSeconds = (processedEnd - start) / 1e9;
                double[] replyMs = Arrays.stream(dataToReply).filter(v -> v > 0).mapToDouble(v -> v / 1e6).sorted()
                        .toArray();
                double[] sessionMs = Arrays.stream(sessionNanos).filter(v -> v > 0).mapToDouble(v -> v / 1e6).sorted()
                        .toArray();

                System.out.println();
                System.out.printf(Locale.ROOT, "accepted (250)            %d of %d, %d failed%n", sent, n,
                        failures.get());
                errors.forEach(e -> System.out.println("  " + e));
                System.out.printf(Locale.ROOT, "send phase                %.2f s  -> %.1f messages/s accepted (SMTP)%n",
                        sendSeconds, sent / sendSeconds);
                System.out.printf(Locale.ROOT, "until all processed       %.2f s  -> %.1f messages/s processed "
                        + "(processing ended %.2f s after the last 250)%n", processSeconds, sent / processSeconds,
                        processSeconds - sendSeconds);
                System.out.printf(Locale.ROOT, "end of DATA -> 250        p50 %.2f ms  p99 %.2f ms  max %.2f ms  "
                        + "mean %.2f ms%n", BenchSupport.percentile(replyMs, 50), BenchSupport.percentile(replyMs, 99),
                        replyMs.length == 0 ? Double.NaN : replyMs[replyMs.length - 1],
                        Arrays.stream(replyMs).average().orElse(Double.NaN));
                System.out.printf(Locale.ROOT, "whole session (connect..QUIT)  p50 %.2f ms  p99 %.2f ms%n",
                        BenchSupport.percentile(sessionMs, 50), BenchSupport.percentile(sessionMs, 99));
                System.out.println("stats                     " + stats);
                Arrays.fill(messages, null); // let the client's copies go before measuring the heap
                System.out.println("after                     " + BenchSupport.heap()
                        + " (client and collector in one JVM)");
                System.out.printf(Locale.ROOT, "data directory            %.1f MB%n",
                        BenchSupport.mb(BenchSupport.dirSize(dataDir)));
            }
            // The collector is closed now: H2 has written and compacted its file.
            System.out.printf(Locale.ROOT, "data directory after close %.1f MB (%s)%n",
                    BenchSupport.mb(BenchSupport.dirSize(dataDir)), BenchSupport.files(dataDir));
        } finally {
            BenchSupport.deleteTree(dataDir);
        }
    }

    static byte[][] build(int n) throws Exception {
        Session session = Session.getInstance(new Properties());
        Random rnd = new Random(8460);
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            String[] reporter = BenchSupport.REPORTERS[i % BenchSupport.REPORTERS.length];
            String domain = "domain-" + (i % 50) + ".example";
            LocalDate day = yesterday.minusDays(i % 30);
            String reportId = "smtp-bench-" + i + "-" + BenchSupport.hex(rnd, 12);
            byte[] json = BenchSupport.report(rnd, reporter[0], reporter[1], reportId, domain, day, DETAILS, NOISE);
            out[i] = eml(session, json, domain, reporter[1], reportId, day);
        }
        return out;
    }

    static byte[] warmupMessage(int i) throws Exception {
        Session session = Session.getInstance(new Properties());
        Random rnd = new Random(i);
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        String reportId = "smtp-bench-warmup-" + i;
        byte[] json = BenchSupport.report(rnd, "Warm-up", "warmup.example", reportId, "warmup.example", day,
                DETAILS, NOISE);
        return eml(session, json, "warmup.example", "warmup.example", reportId, day);
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

    /**
     * One SMTP session on a new connection: EHLO, MAIL, RCPT, DATA, QUIT.
     *
     * @param dataToReply receives the nanoseconds from the end-of-data line written to the 250 read
     */
    static void send(int port, byte[] message, long[] dataToReply) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            expect(in, 220);
            command(out, "EHLO bench.reporter.test");
            expect(in, 250);
            command(out, "MAIL FROM:<noreply@reporter.test> SIZE=" + message.length);
            expect(in, 250);
            command(out, "RCPT TO:<" + RUA + ">");
            expect(in, 250);
            command(out, "DATA");
            expect(in, 354);
            writeDotStuffed(out, message);
            out.flush();
            long t0 = System.nanoTime();
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, 250);
            dataToReply[0] = System.nanoTime() - t0;
            command(out, "QUIT");
            expect(in, 221);
        }
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The message with leading dots doubled, ending in CRLF (the terminating ".CRLF" is written by the caller). */
    private static void writeDotStuffed(OutputStream out, byte[] m) throws IOException {
        boolean lineStart = true;
        for (byte b : m) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
    }

    /** Reads one (possibly multi-line) reply and checks its code. */
    private static void expect(InputStream in, int code) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
            if (lines.size() > 100) {
                throw new IOException("reply too long: " + lines);
            }
        }
        String last = lines.get(lines.size() - 1);
        if (!last.startsWith(String.valueOf(code))) {
            throw new IOException("expected " + code + ", got " + String.join(" | ", lines));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() > 4096) {
                throw new IOException("reply line too long");
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed; read so far: " + sb);
    }
}
