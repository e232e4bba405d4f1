package io.tlsrpt.collector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.TestDnsServer;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The collector a benchmark mails: in this JVM (test-support {@link Collector}, as before) or, with
 * {@code --collector fork}, a separate JVM started from the fat jar with {@code java -jar}, so that the client's and
 * the collector's CPU and memory are apart. Both listen on loopback only, over a fresh temporary data directory,
 * with scheduled record checks off and every DNS look-up sent to a loopback DNS server that answers NXDOMAIN
 * (nothing goes to the network), and accept any recipient (the default {@code tlsrpt.smtp.recipients}).
 *
 * <p>Heap figures come from the collector's own {@code MemoryMXBean}: for the fork over JMX on a loopback port
 * (the child runs with {@code com.sun.management.jmxremote} on 127.0.0.1, no authentication), in process from this
 * JVM's (then the client's objects are included).
 */
interface BenchCollector extends AutoCloseable {

    /** Heap of the collector's JVM around a forced full GC ({@code MemoryMXBean.gc()}). */
    record Heap(long usedBefore, long usedAfter, long committed, long max, long gcMillis) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap %.1f MB used before a full GC, %.1f MB after (GC %d ms); "
                            + "%.1f MB committed, max %.1f MB", BenchSupport.mb(usedBefore), BenchSupport.mb(usedAfter),
                    gcMillis, BenchSupport.mb(committed), BenchSupport.mb(max));
        }
    }

    String describe();

    boolean separateProcess();

    int smtpPort();

    Path dataDir();

    /** {@code GET /api/stats}. */
    JsonNode stats();

    /** Forces a full GC in the collector's JVM and reads its heap before and after. */
    Heap heapAfterGc();

    /** CPU time of the collector's process so far (user + system), or -1. */
    long cpuNanos();

    /** Resident set size of the collector's process, or -1. */
    long rssBytes();

    @Override
    void close();

    /**
     * {@code --collector in-process|fork} (default in-process), {@code --jar PATH} (fork; default
     * target/tlsrpt-collector-0.1.0.jar), {@code --collector-jvm "OPTIONS"} (fork: JVM options, split at spaces),
     * {@code --collector-prop key=value} (repeatable: more collector settings, either mode).
     */
    static BenchCollector start(BenchArgs args) throws IOException, InterruptedException {
        return start(args, Map.of());
    }

    /** As {@link #start(BenchArgs)}, with settings of the benchmark's own that win over {@code --collector-prop}. */
    static BenchCollector start(BenchArgs args, Map<String, String> settings) throws IOException,
            InterruptedException {
        Map<String, String> extra = new LinkedHashMap<>();
        for (String p : args.all("collector-prop")) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--collector-prop wants key=value: " + p);
            }
            extra.put(p.substring(0, eq), p.substring(eq + 1));
        }
        extra.putAll(settings);
        String mode = args.string("collector", "in-process");
        return switch (mode) {
            case "in-process" -> InProcess.start(extra);
            case "fork" -> Forked.start(Path.of(args.string("jar", "target/tlsrpt-collector-0.1.0.jar")),
                    splitOptions(args.string("collector-jvm", "")), extra);
            default -> throw new IllegalArgumentException("--collector is in-process or fork, not " + mode);
        };
    }

    private static List<String> splitOptions(String s) {
        List<String> out = new ArrayList<>();
        for (String o : s.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** VmRSS of a Linux process, or -1. */
    static long rss(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or gone
        }
        return -1;
    }

    static Heap heapOf(MemoryMXBean memory) {
        MemoryUsage before = memory.getHeapMemoryUsage();
        long t0 = System.nanoTime();
        memory.gc();
        long gcMillis = (System.nanoTime() - t0) / 1_000_000;
        MemoryUsage after = memory.getHeapMemoryUsage();
        return new Heap(before.getUsed(), after.getUsed(), after.getCommitted(), after.getMax(), gcMillis);
    }

    /** The collector in this JVM: what the benchmarks always did. Its heap includes the client's objects. */
    final class InProcess implements BenchCollector {
        private final Collector collector;
        private final Path dataDir;

        private InProcess(Collector collector, Path dataDir) {
            this.collector = collector;
            this.dataDir = dataDir;
        }

        static InProcess start(Map<String, String> extra) throws IOException {
            Path dataDir = Files.createTempDirectory("tlsrpt-bench-data");
            return new InProcess(Collector.start(dataDir, new LinkedHashMap<>(extra)), dataDir);
        }

        @Override
        public String describe() {
            return "collector in this JVM (heap and CPU figures include the client)";
        }

        @Override
        public boolean separateProcess() {
            return false;
        }

        @Override
        public int smtpPort() {
            return collector.smtpPort();
        }

        @Override
        public Path dataDir() {
            return dataDir;
        }

        @Override
        public JsonNode stats() {
            return BenchSupport.json(collector, "/api/stats");
        }

        @Override
        public Heap heapAfterGc() {
            return heapOf(ManagementFactory.getMemoryMXBean());
        }

        @Override
        public long cpuNanos() {
            return ownCpuNanos();
        }

        @Override
        public long rssBytes() {
            return rss("self");
        }

        @Override
        public void close() {
            try {
                collector.close();
                System.out.printf(Locale.ROOT, "collector stopped; data directory after stop %.1f MB (%s)%n",
                        BenchSupport.mb(BenchSupport.dirSize(dataDir)), BenchSupport.files(dataDir));
            } finally {
                BenchSupport.deleteTree(dataDir);
            }
        }
    }

    /** CPU time of this JVM, or -1. */
    static long ownCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** The collector as a separate JVM: {@code java [options] -D... -jar tlsrpt-collector.jar}. */
    final class Forked implements BenchCollector {
        private final Process process;
        private final Path workDir;
        private final Path dataDir;
        private final Path log;
        private final int httpPort;
        private final int smtpPort;
        private final TestDnsServer dns;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private JMXConnector jmx;
        private MemoryMXBean memory;
        private com.sun.management.OperatingSystemMXBean os;
        private final String description;

        private Forked(Process process, Path workDir, Path log, int httpPort, int smtpPort, TestDnsServer dns,
                       String description) {
            this.process = process;
            this.workDir = workDir;
            this.dataDir = workDir.resolve("data");
            this.log = log;
            this.httpPort = httpPort;
            this.smtpPort = smtpPort;
            this.dns = dns;
            this.description = description;
        }

        static Forked start(Path jar, List<String> jvmOptions, Map<String, String> extra)
                throws IOException, InterruptedException {
            return start(jar, jvmOptions, extra, 1);
        }

        private static Forked start(Path jar, List<String> jvmOptions, Map<String, String> extra, int attempt)
                throws IOException, InterruptedException {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no collector jar at " + jar.toAbsolutePath()
                        + ": build it with  mvn -q -B -DskipTests package  (or give --jar PATH)");
            }
            Path workDir = Files.createTempDirectory("tlsrpt-bench-collector");
            Path dataDir = Files.createDirectories(workDir.resolve("data"));
            Path log = workDir.resolve("collector.log");
            int httpPort = freePort();
            int smtpPort = freePort();
            int jmxPort = freePort();
            TestDnsServer dns = TestDnsServer.start();
            Map<String, String> props = new LinkedHashMap<>();
            props.put("micronaut.server.host", "127.0.0.1");
            props.put("micronaut.server.port", String.valueOf(httpPort));
            props.put("tlsrpt.smtp.host", "127.0.0.1");
            props.put("tlsrpt.smtp.port", String.valueOf(smtpPort));
            props.put("tlsrpt.data-dir", dataDir.toString());
            props.put("tlsrpt.checks.enabled", "false");
            props.put("tlsrpt.dns.servers", dns.address());
            props.putAll(extra);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.add("-Dcom.sun.management.jmxremote.port=" + jmxPort);
            cmd.add("-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort);
            cmd.add("-Dcom.sun.management.jmxremote.host=127.0.0.1");
            cmd.add("-Djava.rmi.server.hostname=127.0.0.1");
            cmd.add("-Dcom.sun.management.jmxremote.authenticate=false");
            cmd.add("-Dcom.sun.management.jmxremote.ssl=false");
            props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.add("-jar");
            cmd.add(jar.toAbsolutePath().toString());
            Process process;
            try {
                process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                dns.close();
                throw e;
            }
            Forked f = new Forked(process, workDir, log, httpPort, smtpPort, dns,
                    "collector in a separate JVM, pid " + process.pid() + ": " + String.join(" ", cmd)
                            + "  (log " + log + ")");
            try {
                f.awaitReady(jmxPort);
                return f;
            } catch (RuntimeException | IOException | InterruptedException e) {
                String tail = f.logTail(60);
                f.close();
                if (tail.contains("BindException: Address already in use") && attempt < 3) {
                    // freePort() closed the port before the collector bound it; after a load run, thousands of
                    // client connections in TIME_WAIT hold ephemeral ports that a listener without SO_REUSEADDR
                    // cannot take. Other ports will do.
                    System.err.println("collector could not bind its ports; starting it again on others");
                    return start(jar, jvmOptions, extra, attempt + 1);
                }
                System.err.println("collector did not start; its log (" + log + "):");
                System.err.println(tail);
                throw e;
            }
        }

        private void awaitReady(int jmxPort) throws IOException, InterruptedException {
            long deadline = System.currentTimeMillis() + 180_000;
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("collector exited with " + process.exitValue());
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("collector not ready after 180 s");
                }
                try {
                    HttpResponse<String> r = get("/api/stats");
                    if (r.statusCode() == 200 && SmtpClient.greets(smtpPort)) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(
                    "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"));
            MBeanServerConnection c = jmx.getMBeanServerConnection();
            memory = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.MEMORY_MXBEAN_NAME,
                    MemoryMXBean.class);
            os = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
                    com.sun.management.OperatingSystemMXBean.class);
        }

        private HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        /** The last lines of the log, from at most its last 1 MiB (a collector under load may log a lot). */
        String logTail(int lines) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log)) {
                long from = Math.max(0, ch.size() - (1 << 20));
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) (ch.size() - from));
                while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                    // reads until the buffer is full or the file ends
                }
                List<String> all = List.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8)
                        .split("\n"));
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException | UncheckedIOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public boolean separateProcess() {
            return true;
        }

        @Override
        public int smtpPort() {
            return smtpPort;
        }

        @Override
        public Path dataDir() {
            return dataDir;
        }

        @Override
        public JsonNode stats() {
            try {
                HttpResponse<String> r = get("/api/stats");
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("/api/stats answered " + r.statusCode() + ": " + r.body());
                }
                return BenchSupport.JSON.readTree(r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Heap heapAfterGc() {
            return heapOf(memory);
        }

        @Override
        public long cpuNanos() {
            try {
                return os.getProcessCpuTime();
            } catch (RuntimeException e) {
                return -1;
            }
        }

        @Override
        public long rssBytes() {
            return rss(String.valueOf(process.pid()));
        }

        /**
         * Stops the collector as an operator would (SIGTERM: Micronaut shuts down, H2 compacts its file), prints
         * the data directory's size after that, and deletes the work directory.
         */
        @Override
        public void close() {
            try {
                if (jmx != null) {
                    jmx.close();
                }
            } catch (IOException e) {
                // the process goes anyway
            }
            process.destroy();
            try {
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    System.err.println("collector did not stop in 60 s after SIGTERM: killing it");
                    process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            dns.close();
            if (Files.isDirectory(dataDir)) {
                System.out.printf(Locale.ROOT, "collector stopped (exit %s); data directory after stop %.1f MB (%s)%n",
                        process.isAlive() ? "?" : process.exitValue() == 143 ? "143: SIGTERM, shut down"
                                : String.valueOf(process.exitValue()),
                        BenchSupport.mb(BenchSupport.dirSize(dataDir)), BenchSupport.files(dataDir));
            }
            // The spool's own figures (entries written, forces, segments), which it logs when it stops: the log is
            // deleted with the work directory below, so they are shown here. Only the last 200 lines are read.
            for (String line : logTail(200).split("\n")) {
                if (line.contains("spool: ") && line.contains(" forces")) {
                    System.out.println("collector log: " + line.substring(line.indexOf("spool: ")));
                }
            }
            if (Boolean.getBoolean("bench.keep")) {
                System.out.println("kept " + workDir + " (-Dbench.keep=true)");
            } else {
                BenchSupport.deleteTree(workDir);
            }
        }
    }
}
