package io.tlsrpt.collector.cli;

import io.micronaut.context.ApplicationContext;
import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.ingest.MessageProcessor;
import io.tlsrpt.collector.ingest.Receiver;
import io.tlsrpt.collector.store.MessageStore;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code import [--no-dkim] PATH...}: back-fills the collector's database from saved reports and report e-mails:
 * {@code .eml} files, mbox files, Maildir folders, {@code .json}, {@code .json.gz} and {@code .zip} reports, and
 * directories of them, recursively. It runs against the database directly (the settings of the collector:
 * {@code application.yml}, {@code -D} options, environment), without HTTP or SMTP, and processes each message
 * before the next so that the summary is exact. With the H2 file database, stop the collector first (H2 lets one
 * process open the file).
 */
public final class ImportCommand {
    static final String USAGE = """
            usage: java -jar tlsrpt-collector.jar import [options] PATH...
              PATH              .eml files, mbox files, Maildir folders (cur/ and new/), .json, .json.gz and .zip
                                reports, or directories of them (searched recursively)
              --no-dkim         record DKIM as not judged instead of verifying it (old mail is signed with keys
                                that have been rotated since)
              --progress-every N  a progress line on stderr every N messages (default 1000; also every 10 s)
            The collector's settings apply (tlsrpt.data-dir / TLSRPT_DATA_DIR, datasources.default.url, limits).
            A message whose exact bytes are stored already is skipped as "already imported", so an import can be
            run again over the same files. With the H2 file database, stop the collector while importing.
            """;

    private ImportCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Map.of());
    }

    /**
     * @param properties settings on top of the collector's own (tests: data directory, DNS servers); HTTP, SMTP
     *                   and the scheduled record checks are always off
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, Object> properties) {
        boolean judgeDkim = true;
        long progressEvery = 1000;
        List<Path> paths = new ArrayList<>();
        try {
            boolean options = true;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (options && a.equals("--")) {
                    options = false;
                } else if (options && a.equals("--no-dkim")) {
                    judgeDkim = false;
                } else if (options && a.equals("--progress-every")) {
                    progressEvery = Long.parseLong(args[++i]);
                } else if (options && (a.equals("-h") || a.equals("--help"))) {
                    out.print(USAGE);
                    return 0;
                } else if (options && a.startsWith("--")) {
                    err.println("import: unknown option " + a);
                    err.print(USAGE);
                    return 2;
                } else {
                    paths.add(Path.of(a));
                }
            }
        } catch (RuntimeException e) {
            err.print(USAGE);
            return 2;
        }
        if (paths.isEmpty()) {
            err.println("import: no PATH given");
            err.print(USAGE);
            return 2;
        }

        Map<String, Object> props = new HashMap<>(properties);
        props.put("tlsrpt.smtp.enabled", false);
        // Messages are processed here, one by one, and are stored held so that the background queue leaves them
        // alone; its sweep runs once at start (a backlog left by the collector) and not again. Domains are checked
        // by the collector when it runs again.
        props.put("tlsrpt.processing.sweep-interval", 86_400);
        props.put("tlsrpt.checks.enabled", false);
        ApplicationContext context;
        try {
            context = ApplicationContext.builder().properties(props).start();
        } catch (RuntimeException e) {
            String why = rootMessage(e);
            err.println("import: cannot open the collector's database: " + why);
            if (why.contains("locked")) {
                err.println("import: with the H2 file database, stop the collector first (one process at a time).");
            }
            return 1;
        }
        try (ApplicationContext ctx = context) {
            Importer importer = new Importer(ctx.getBean(Receiver.class), ctx.getBean(MessageStore.class),
                    ctx.getBean(MessageProcessor.class), ctx.getBean(SmtpSettings.class).maxMessageSize(), judgeDkim,
                    err, progressEvery, Duration.ofSeconds(10));
            ImportSummary summary = importer.run(paths);
            summary.print(out);
            out.flush();
            return summary.exitCode();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
