package io.tlsrpt.collector.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's {@code smtp-sink} (Debian package postfix) as a child process on a free loopback port: it answers 250 to
 * every command and throws the mail away, so the same load against it measures the SMTP acceptance ceiling of this
 * client and machine. Started as {@code smtp-sink [-u nobody] -4 127.0.0.1:PORT 256}: no option that rejects or
 * delays anything, {@code -u} only when running as root (smtp-sink requires it then), {@code -4} since it listens on
 * 127.0.0.1. {@code -c} (counters) is not given: it would print on every session.
 */
final class SmtpSink implements AutoCloseable {
    static final List<String> PLACES = List.of("/usr/sbin/smtp-sink", "/usr/lib/postfix/sbin/smtp-sink",
            "/usr/libexec/postfix/smtp-sink", "/usr/local/sbin/smtp-sink");

    private final Process process;
    private final int port;
    private final Path log;

    private SmtpSink(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The smtp-sink binary: {@code -Dbench.smtpSink=PATH}, else the usual places, else on PATH; null if none. */
    static Path find() {
        String given = System.getProperty("bench.smtpSink");
        if (given != null) {
            return Files.isExecutable(Path.of(given)) ? Path.of(given) : null;
        }
        for (String p : PLACES) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "smtp-sink"))) {
                return Path.of(dir, "smtp-sink");
            }
        }
        return null;
    }

    static SmtpSink start(Path binary) throws IOException, InterruptedException {
        int port = BenchCollector.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("-u");
            cmd.add("nobody");
        }
        cmd.add("-4");
        cmd.add("127.0.0.1:" + port);
        cmd.add("256");
        Path log = Files.createTempFile("smtp-sink", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SmtpSink sink = new SmtpSink(p, port, log);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!SmtpClient.greets(port)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                String out = Files.readString(log);
                sink.close();
                throw new IOException(String.join(" ", cmd) + " did not start"
                        + (p.isAlive() ? "" : " (exit " + p.exitValue() + ")") + ": " + out.strip());
            }
            Thread.sleep(50);
        }
        System.out.println("started " + String.join(" ", cmd) + " (pid " + p.pid() + ")");
        return sink;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file
        }
    }
}
