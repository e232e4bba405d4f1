package io.tlsrpt.collector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

/**
 * {@code send}: mails report files ({@code .json}, {@code .json.gz}, {@code .eml}) or the bundled samples to a
 * collector over SMTP, the way a reporter would. For a first look at the dashboard, and to test a rua path.
 */
public final class SendCommand {
    private static final String[] SAMPLES = {"google", "microsoft", "mailru", "clean"};
    static final String USAGE = """
            usage: java -jar tlsrpt-collector.jar send [options] [FILE...]
              FILE          a report (.json, .json.gz) or a whole e-mail (.eml); none: the bundled samples,
                            one set per day for the last --days days
              --host H      SMTP host of the collector (default 127.0.0.1)
              --port P      SMTP port (default 2525)
              --to ADDR     recipient, your rua address (default tlsrpt@localhost)
              --from ADDR   envelope and header sender (default reports@reporter.example)
              --days N      days of samples (default 7)
            """;

    private SendCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String host = "127.0.0.1";
        int port = 2525;
        String to = "tlsrpt@localhost";
        String from = "reports@reporter.example";
        int days = 7;
        List<Path> files = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--to" -> to = args[++i];
                    case "--from" -> from = args[++i];
                    case "--days" -> days = Integer.parseInt(args[++i]);
                    case "-h", "--help" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> files.add(Path.of(args[i]));
                }
            }
        } catch (RuntimeException e) {
            err.print(USAGE);
            return 2;
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", host);
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "60000");
        Session session = Session.getInstance(props);
        int failed = 0;
        int sent = 0;
        try {
            List<Named> messages = files.isEmpty() ? samples(session, days, from, to) : fromFiles(session, files,
                    from, to);
            for (Named n : messages) {
                try {
                    Transport.send(n.message(), new Address[]{new InternetAddress(to)});
                    out.println("sent " + n.name());
                    sent++;
                } catch (MessagingException e) {
                    err.println("failed " + n.name() + ": " + e.getMessage());
                    failed++;
                }
            }
        } catch (IOException | MessagingException e) {
            err.println("send: " + e.getMessage());
            return 1;
        }
        out.println(sent + " sent, " + failed + " failed, to " + to + " via " + host + ":" + port);
        return failed == 0 ? 0 : 1;
    }

    private record Named(String name, MimeMessage message) {
    }

    private static List<Named> samples(Session session, int days, String from, String to)
            throws IOException, MessagingException {
        List<Named> list = new ArrayList<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int d = days; d >= 1; d--) {
            LocalDate day = today.minusDays(d);
            for (String sample : SAMPLES) {
                String template;
                try (InputStream in = SendCommand.class.getResourceAsStream("/samples/" + sample + ".json")) {
                    template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                String json = template.replace("{{start}}", day + "T00:00:00Z")
                        .replace("{{end}}", day + "T23:59:59Z")
                        .replace("{{nextday}}", day.plusDays(1) + "T00:00:00Z")
                        .replace("{{day}}", day.toString());
                list.add(new Named(sample + " " + day, fromJson(session, json.getBytes(StandardCharsets.UTF_8),
                        from, to)));
            }
        }
        return list;
    }

    private static List<Named> fromFiles(Session session, List<Path> files, String from, String to)
            throws IOException, MessagingException {
        List<Named> list = new ArrayList<>();
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            String name = f.getFileName().toString();
            if (name.endsWith(".eml") || name.endsWith(".elm")) {
                list.add(new Named(name, new MimeMessage(session, new ByteArrayInputStream(bytes))));
            } else {
                if (bytes.length > 1 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
                    try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                        bytes = gz.readNBytes(64 * 1024 * 1024);
                    }
                }
                list.add(new Named(name, fromJson(session, bytes, from, to)));
            }
        }
        return list;
    }

    /** Wraps a JSON report into a report e-mail, taking the domains and ids from the report itself. */
    static MimeMessage fromJson(Session session, byte[] json, String from, String to)
            throws IOException, MessagingException {
        JsonNode r = new ObjectMapper().readTree(json);
        // contact-info is an address, sometimes written as mailto:<x@y> (RFC 8460 §4.4 says addr-spec).
        String contact = r.path("contact-info").asText("reporter.example").replaceAll("[<>\\s]", "")
                .replaceFirst("^mailto:", "");
        String submitter = contact.contains("@") ? contact.substring(contact.lastIndexOf('@') + 1) : contact;
        String domain = r.path("policies").path(0).path("policy").path("policy-domain").asText("example.com");
        String reportId = r.path("report-id").asText("report");
        String fileName = submitter + "!" + domain + "!" + epoch(r.path("date-range").path("start-datetime"))
                + "!" + epoch(r.path("date-range").path("end-datetime")) + "!001.json.gz";
        return ReportMail.build(session, json, domain, submitter, reportId, fileName, from, to);
    }

    private static long epoch(JsonNode datetime) {
        try {
            return java.time.Instant.parse(datetime.asText()).getEpochSecond();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
