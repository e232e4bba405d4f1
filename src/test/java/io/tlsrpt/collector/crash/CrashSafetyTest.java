package io.tlsrpt.collector.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.hostile.RawSmtp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4 item 6, crash safety proven: several concurrent SMTP clients mail N reports to a collector running in its
 * own JVM; the JVM is killed with SIGKILL part-way (twice), started again on the same data directory, and the
 * clients go on as real senders do (a message without a 250 is sent again). Then: every message that got a 250 is
 * there with the bytes that were sent, every report is stored exactly once, retries of messages stored before a
 * kill are counted as duplicates and add nothing, and the failure counts equal the sum over the N reports.
 */
class CrashSafetyTest {
    static final int REPORTS = 300;
    static final int CLIENTS = 6;
    /** Kill when this many messages in total have got their 250 (the first kill, then the second). */
    static final int[] KILL_AT_ACKS = {90, 190};
    static final String RUA = "tlsrpt@reports.example.com";
    static final String DOMAIN = "crash.example";
    static final String ORG = "Crash Test Reporter";
    static final ObjectMapper JSON = new ObjectMapper();
    static final long TEST_BUDGET_MS = 120_000;

    @TempDir
    Path dataDir;
    @TempDir
    Path logDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Instance current;
    private final List<Path> logs = new ArrayList<>();

    /** One run of the collector: its process and ports. */
    record Instance(Process process, int smtpPort, int httpPort) {
    }

    /**
     * Attempts per report: the message ids acknowledged, attempts that could not connect or failed before the
     * message was sent (nothing can have been stored), attempts that failed after the message was sent and before
     * the reply (the message may have been stored: the 250 was lost in flight), and non-250 replies.
     */
    static final class Outcome {
        final List<Long> ackedIds = new ArrayList<>();
        int failedBeforeData;
        int lostInFlight;
        int refused;
    }

    /** An attempt that failed after the whole message had been sent, before the reply came. */
    static final class LostInFlight extends IOException {
        LostInFlight(IOException cause) {
            super(cause);
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesSigkillAndNothingCountsTwice() throws Exception {
        long deadline = System.currentTimeMillis() + TEST_BUDGET_MS;
        Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
        AtomicInteger acks = new AtomicInteger();
        Map<Long, Integer> ackedMessageToReport = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        // Should this JVM be stopped (surefire time-out), the collector must not outlive it.
        Thread reaper = new Thread(() -> {
            Instance i = current;
            if (i != null) {
                i.process().destroyForcibly();
            }
        });
        Runtime.getRuntime().addShutdownHook(reaper);
        int kills = 0;
        try {
            current = start();
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                work.add(clients.submit(() -> {
                    for (int i = client; i < REPORTS; i += CLIENTS) {
                        Outcome o = new Outcome();
                        outcomes.put(i, o);
                        byte[] eml = message(i);
                        while (o.ackedIds.isEmpty()) {
                            if (System.currentTimeMillis() > deadline) {
                                throw new IllegalStateException("report " + i + " never got a 250");
                            }
                            Instance target = current;
                            RawSmtp.Reply reply;
                            try {
                                reply = send(target.smtpPort(), eml);
                            } catch (LostInFlight e) {
                                o.lostInFlight++; // no reply: stored or not, the sender cannot know
                                pause(50);
                                continue;
                            } catch (IOException e) {
                                o.failedBeforeData++; // down, or killed before the message was complete
                                pause(50);
                                continue;
                            }
                            if (reply.code() == 250) {
                                long id = reply.messageId();
                                o.ackedIds.add(id);
                                ackedMessageToReport.put(id, i);
                                acks.incrementAndGet();
                            } else {
                                o.refused++; // 451 while the store is down: a sender retries
                                pause(50);
                            }
                        }
                    }
                    return null;
                }));
            }

            for (int killAt : KILL_AT_ACKS) {
                waitFor(() -> acks.get() >= killAt, deadline, "acks before kill " + (kills + 1));
                Instance victim = current;
                long pending;
                try {
                    pending = stats().get("messagesPending").asLong();
                } catch (RuntimeException e) {
                    pending = -1; // only a figure
                }
                // SIGKILL (destroyForcibly on Linux): no shutdown hook, no flush, no close.
                victim.process().destroyForcibly();
                assertTrue(victim.process().waitFor(10, TimeUnit.SECONDS), "the collector did not die");
                kills++;
                System.out.printf("[crash] kill %d at %d acks, %d messages pending (exit %d)%n", kills, acks.get(),
                        pending, victim.process().exitValue());
                current = start();
            }
            for (Future<?> f : work) {
                f.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            }
            waitFor(() -> stats().get("messagesPending").asLong() == 0, deadline, "nothing pending");

            // Every acknowledged message is there, with the bytes that were sent (its report-id in it).
            for (Map.Entry<Long, Integer> e : ackedMessageToReport.entrySet()) {
                HttpResponse<String> raw = get("/messages/" + e.getKey() + "/raw");
                assertEquals(200, raw.statusCode(), "acknowledged message " + e.getKey() + " is gone");
                assertTrue(raw.body().contains(reportId(e.getValue())), "message " + e.getKey()
                        + " does not hold report " + e.getValue());
            }

            // Every report exactly once, with its own counts.
            Map<String, JsonNode> stored = new HashMap<>();
            int offset = 0;
            JsonNode page;
            do {
                page = json("/api/reports?domain=" + DOMAIN + "&from=2025-06-01&to=2025-06-01&limit=1000&offset="
                        + offset);
                for (JsonNode r : page.get("items")) {
                    JsonNode before = stored.put(r.get("reportId").asText(), r);
                    assertTrue(before == null, "report stored twice: " + r.get("reportId").asText());
                }
                offset += 1000;
            } while (offset < page.get("total").asLong() && offset < 10_000);
            assertEquals(REPORTS, stored.size());
            long expectedSuccessful = 0;
            long expectedFailed = 0;
            for (int i = 0; i < REPORTS; i++) {
                JsonNode r = stored.get(reportId(i));
                assertNotNull(r, "report " + i + " is missing");
                assertEquals(successful(i), r.get("successful").asLong(), reportId(i));
                assertEquals(failed(i), r.get("failed").asLong(), reportId(i));
                expectedSuccessful += successful(i);
                expectedFailed += failed(i);
            }

            // Nothing counted twice: roll-ups and failure groups equal the sums over the reports.
            long sessions = 0;
            for (JsonNode g : json("/api/failures?domain=" + DOMAIN + "&from=2025-06-01&to=2025-06-01&limit=1000")
                    .get("items")) {
                sessions += g.get("sessions").asLong();
            }
            assertEquals(expectedFailed, sessions, "failure sessions");
            JsonNode domain = null;
            for (JsonNode d : json("/api/domains?from=2025-06-01&to=2025-06-01&limit=1000").get("items")) {
                if (d.get("domain").asText().equals(DOMAIN)) {
                    domain = d;
                }
            }
            assertNotNull(domain);
            assertEquals(REPORTS, domain.get("reports").asLong());
            assertEquals(expectedSuccessful, domain.get("successful").asLong());
            assertEquals(expectedFailed, domain.get("failed").asLong());

            // Messages: one per 250, plus those stored whose 250 was lost to a kill (then sent again, so each is a
            // duplicate of a stored report). None quarantined, none left.
            JsonNode stats = stats();
            int acked = acks.get();
            int lost = outcomes.values().stream().mapToInt(o -> o.lostInFlight).sum();
            int before = outcomes.values().stream().mapToInt(o -> o.failedBeforeData).sum();
            int refused = outcomes.values().stream().mapToInt(o -> o.refused).sum();
            long received = stats.get("messagesReceived").asLong();
            System.out.printf("[crash] %d reports, %d clients, %d kills: %d acks, %d attempts lost after the whole "
                            + "message was sent, %d failed before, %d refused; stats %s; %d ms%n", REPORTS, CLIENTS,
                    kills, acked, lost, before, refused, stats, System.currentTimeMillis() - deadline + TEST_BUDGET_MS);
            // What the spool gave back after each kill (messages H2 had not written yet), and the processing runs
            // done again because H2's last checkpoint did not cover them: figures, not conditions.
            for (Path log : logs) {
                if (Files.exists(log)) {
                    Files.readAllLines(log).stream()
                            .filter(l -> l.contains("spool recovery") || l.contains("unclean stop"))
                            .forEach(l -> System.out.println("[crash] " + log.getFileName() + ": " + l));
                }
            }
            assertEquals(REPORTS, acked, "one 250 per report");
            assertTrue(received >= acked && received <= acked + lost, "messages " + received);
            assertEquals(REPORTS, stats.get("reportsStored").asLong());
            assertEquals(received - REPORTS, stats.get("duplicates").asLong());
            assertEquals(0, stats.get("quarantineEntries").asLong());
            assertEquals(0, stats.get("messagesPending").asLong());
            assertEquals(KILL_AT_ACKS.length, kills);
        } catch (Throwable t) {
            for (Path log : logs) {
                System.out.println("[crash] --- " + log + " (tail)");
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
            }
            throw t;
        } finally {
            clients.shutdownNow();
            Instance last = current;
            if (last != null) {
                last.process().destroyForcibly();
                last.process().waitFor(10, TimeUnit.SECONDS);
            }
            clients.awaitTermination(10, TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
    }

    // ------------------------------------------------------------------ the collector process

    private Instance start() throws Exception {
        int smtp = freePort();
        int httpPort = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = logDir.resolve("collector-" + logs.size() + ".log");
        logs.add(log);
        List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                "-Dtlsrpt.data-dir=" + dataDir,
                "-Dtlsrpt.smtp.host=127.0.0.1", "-Dtlsrpt.smtp.port=" + smtp,
                "-Dtlsrpt.smtp.recipients=" + RUA,
                "-Dmicronaut.server.host=127.0.0.1", "-Dmicronaut.server.port=" + httpPort,
                "-Dtlsrpt.processing.sweep-interval=1",
                "-Dtlsrpt.checks.enabled=false", "-Dtlsrpt.dns.servers=127.0.0.1:9",
                "io.tlsrpt.collector.Main");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Instance instance = new Instance(p, smtp, httpPort);
        long until = System.currentTimeMillis() + 60_000;
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the collector exited with " + p.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + httpPort + "/health")).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return instance;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.currentTimeMillis() > until) {
                p.destroyForcibly();
                throw new IllegalStateException("the collector did not come up within 60 s; see " + log);
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** One transaction on a new connection; {@link LostInFlight} when only the reply is missing. */
    private static RawSmtp.Reply send(int port, byte[] eml) throws IOException {
        try (RawSmtp smtp = RawSmtp.connect(port, 15_000)) {
            RawSmtp.Reply r = smtp.envelope("reports@" + DOMAIN, RUA);
            if (r.code() >= 400) {
                return r;
            }
            RawSmtp.Reply done;
            try {
                done = smtp.data(eml);
            } catch (IOException e) {
                throw smtp.messageSent() ? new LostInFlight(e) : e;
            }
            smtp.quit();
            return done;
        }
    }

    // ------------------------------------------------------------------ HTTP

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        Instance i = current;
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + i.httpPort() + path))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private JsonNode stats() {
        try {
            return json("/api/stats");
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ the reports

    static String reportId(int i) {
        return "crash-" + i + "@crash-test";
    }

    static long successful(int i) {
        return 1000L + i;
    }

    static long failed(int i) {
        return 1 + i % 7;
    }

    /** Report i as an RFC 8460 §5.3 e-mail (gzip, base64), built by hand so that the bytes are known. */
    static byte[] message(int i) {
        String json = "{\"organization-name\":\"" + ORG + "\",\"date-range\":{\"start-datetime\":"
                + "\"2025-06-01T00:00:00Z\",\"end-datetime\":\"2025-06-01T23:59:59Z\"},\"contact-info\":"
                + "\"tlsrpt@crash.example\",\"report-id\":\"" + reportId(i) + "\",\"policies\":[{\"policy\":{"
                + "\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\",\"mode: enforce\"],"
                + "\"policy-domain\":\"" + DOMAIN + "\",\"mx-host\":[\"mx.crash.example\"]},\"summary\":{"
                + "\"total-successful-session-count\":" + successful(i) + ",\"total-failure-session-count\":"
                + failed(i) + "},\"failure-details\":[{\"result-type\":\"certificate-expired\",\"sending-mta-ip\":"
                + "\"198.51.100." + (i % 5) + "\",\"receiving-mx-hostname\":\"mx.crash.example\",\"receiving-ip\":"
                + "\"203.0.113.1\",\"failed-session-count\":" + failed(i) + "}]}]}";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String b = "crash-" + i;
        String eml = "From: reports@" + DOMAIN + "\r\nTo: " + RUA + "\r\nSubject: Report Domain: " + DOMAIN
                + " Submitter: crash-test Report-ID: <" + reportId(i) + ">\r\nDate: Mon, 02 Jun 2025 01:00:00 +0000"
                + "\r\nMessage-ID: <" + reportId(i) + ">\r\nMIME-Version: 1.0\r\nTLS-Report-Domain: " + DOMAIN
                + "\r\nTLS-Report-Submitter: crash-test\r\nContent-Type: multipart/report; report-type=\"tlsrpt\"; "
                + "boundary=\"" + b + "\"\r\n\r\n--" + b + "\r\nContent-Type: text/plain\r\n\r\nReport " + reportId(i)
                + "\r\n--" + b + "\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Disposition: attachment; "
                + "filename=\"crash-test!" + DOMAIN + "!1748736000!1748822399!" + i + ".json.gz\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gz.toByteArray())
                + "\r\n--" + b + "--\r\n";
        return eml.getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------ waiting

    interface Check {
        boolean met() throws Exception;
    }

    private static void waitFor(Check check, long deadline, String what) throws Exception {
        while (true) {
            boolean met;
            try {
                met = check.met();
            } catch (RuntimeException | IOException e) {
                met = false;
            }
            if (met) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
