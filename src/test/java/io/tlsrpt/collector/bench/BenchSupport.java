package io.tlsrpt.collector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.collector.report.ResultType;
import io.tlsrpt.collector.support.Collector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/** What both benchmarks share: synthetic RFC 8460 reports, waiting for processing, percentiles, heap figures. */
final class BenchSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] RESULT_TYPES = Arrays.stream(ResultType.Known.values()).map(k -> k.value)
            .toArray(String[]::new);
    /** organization-name, submitter domain (contact-info and TLS-Report-Submitter). */
    static final String[][] REPORTERS = {
            {"Google Inc.", "google.com"},
            {"Microsoft Corporation", "microsoft.com"},
            {"Mail.Ru", "mail.ru"},
            {"Yahoo Inc.", "yahooinc.com"},
            {"Comcast", "comcast.net"},
            {"Stalwart Mail Server", "stalw.art"},
    };
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private BenchSupport() {
    }

    /**
     * One report, one policy, {@code details} failure details.
     *
     * @param noiseChars random hex characters per failure detail (in failure-reason-code), to make the gzip as large
     *                   as a real report with that many details
     */
    static byte[] report(Random rnd, String organization, String submitter, String reportId, String domain,
                         LocalDate day, int details, int noiseChars) {
        ObjectNode r = JSON.createObjectNode();
        r.put("organization-name", organization);
        ObjectNode range = r.putObject("date-range");
        range.put("start-datetime", day + "T00:00:00Z");
        range.put("end-datetime", day + "T23:59:59Z");
        r.put("contact-info", "smtp-tls-reporting@" + submitter);
        r.put("report-id", reportId);
        ObjectNode pr = r.putArray("policies").addObject();
        ObjectNode policy = pr.putObject("policy");
        boolean sts = rnd.nextInt(4) != 0;
        policy.put("policy-type", sts ? "sts" : "tlsa");
        ArrayNode ps = policy.putArray("policy-string");
        if (sts) {
            ps.add("version: STSv1").add("mode: enforce").add("mx: mx1." + domain).add("mx: mx2." + domain)
                    .add("max_age: 604800");
            policy.putArray("mx-host").add("mx1." + domain).add("mx2." + domain);
        } else {
            ps.add("3 1 1 " + hex(rnd, 64));
        }
        policy.put("policy-domain", domain);
        long failed = 0;
        ArrayNode fd = JSON.createArrayNode();
        for (int i = 0; i < details; i++) {
            ObjectNode d = fd.addObject();
            int count = 1 + rnd.nextInt(40);
            failed += count;
            d.put("result-type", RESULT_TYPES[rnd.nextInt(RESULT_TYPES.length)]);
            d.put("sending-mta-ip", "203.0." + rnd.nextInt(256) + "." + rnd.nextInt(256));
            d.put("receiving-mx-hostname", "mx" + (1 + rnd.nextInt(2)) + "." + domain);
            d.put("receiving-ip", "192.0.2." + rnd.nextInt(256));
            d.put("failed-session-count", count);
            if (noiseChars > 0) {
                d.put("failure-reason-code", "X509_V_ERR_" + rnd.nextInt(80) + " " + hex(rnd, noiseChars));
            }
        }
        ObjectNode summary = pr.putObject("summary");
        summary.put("total-successful-session-count", rnd.nextInt(5000));
        summary.put("total-failure-session-count", failed);
        if (details > 0) {
            pr.set("failure-details", fd);
        }
        try {
            return JSON.writeValueAsBytes(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A random for item {@code seed} of a sequence (message n, domain i). Not {@code new Random(seed)}: its first
     * {@code nextDouble()} moves by only 9e-5 from one seed to the next, so that consecutive items drew neighbouring
     * values. The realistic profile's domain, drawn first, came in runs (40% of 40,000 messages had the domain of the
     * message before, and the soak's 4,096 templates named only 518 domains, the 28th to the 606th), which kept the
     * same roll-up rows hot (BENCHMARKS.md, 2026-11-29 afternoon). SplitMix64's finaliser spreads the seeds first.
     */
    static Random random(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new Random(z ^ (z >>> 31));
    }

    static String hex(Random rnd, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = HEX[rnd.nextInt(16)];
        }
        return new String(c);
    }

    static JsonNode json(Collector collector, String path) {
        Collector.Http r = collector.get(path);
        if (r.status() != 200) {
            throw new IllegalStateException(path + " answered " + r.status() + ": " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Polls /api/stats every 50 ms until nothing is pending and {@code reports} reports are stored.
     *
     * @return the last stats, or throws after {@code timeoutMillis}
     */
    static JsonNode awaitProcessed(Collector collector, long reports, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        JsonNode stats = null;
        while (System.currentTimeMillis() < deadline) {
            stats = json(collector, "/api/stats");
            if (stats.get("messagesPending").asLong() == 0 && stats.get("reportsStored").asLong() >= reports) {
                return stats;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("not processed after " + timeoutMillis / 1000 + " s: " + stats);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String heap() {
        MemoryUsage before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.gc();
        MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return String.format(Locale.ROOT, "heap used %.1f MB of %.1f MB committed; after a full GC %.1f MB used of "
                        + "%.1f MB committed; max %.1f MB", mb(before.getUsed()), mb(before.getCommitted()),
                mb(after.getUsed()), mb(after.getCommitted()), mb(after.getMax()));
    }

    static double mb(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    /**
     * Bytes of the regular files under the directory. Files that go away while it is walked (spool files the collector
     * deletes after a checkpoint) are skipped: Files.walk would throw for them.
     */
    static long dirSize(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file,
                                                               java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return -1;
        }
        return total[0];
    }

    /** "name size, ..." of the files in a directory tree. */
    static String files(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> {
                try {
                    return String.format(Locale.ROOT, "%s %.1f MB", dir.relativize(p), mb(Files.size(p)));
                } catch (IOException e) {
                    return p.getFileName() + " ?";
                }
            }).collect(java.util.stream.Collectors.joining(", "));
        } catch (IOException e) {
            return "?";
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    static int intArg(String[] args, int index, String property, int fallback) {
        if (args.length > index) {
            return Integer.parseInt(args[index]);
        }
        return Integer.getInteger(property, fallback);
    }
}
