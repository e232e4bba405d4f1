package io.tlsrpt.collector.bench;

import io.tlsrpt.collector.cli.ReportMail;
import jakarta.mail.Session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Properties;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Report e-mails made one at a time, cheaply, for long runs (a 10-minute soak at 1,000/s needs 600,000 messages,
 * which are neither held in memory nor built with {@code ReportMail.build} at ~0.5 ms each on the client's cores).
 * {@value #TEMPLATES} templates are built once with {@link ReportMails} (the project's {@code ReportMail.build}, a
 * placeholder report-id); message {@code i} is template {@code i % TEMPLATES} with its own report-id
 * ({@code prefix-000000000042}, the same length as the placeholder) written into the JSON, gzipped again and
 * base64-encoded into the same MIME structure, and its own Message-ID. So the bytes are those of
 * {@code ReportMail.build} but for the ids. Not thread-safe: one per sending thread (templates may be shared).
 */
final class MailTemplates {
    static final int TEMPLATES = 64;
    static final int REALISTIC_TEMPLATES = 4096;

    private record Template(String head, String tail, byte[] json, int idOffset) {
    }

    private final Template[] templates;
    private final String prefix;
    private final int idLength;
    private final String placeholder;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final CRC32 crc = new CRC32();
    private final byte[] buffer = new byte[64 * 1024];

    private MailTemplates(Template[] templates, String prefix, String placeholder) {
        this.templates = templates;
        this.prefix = prefix;
        this.idLength = placeholder.length();
        this.placeholder = placeholder;
    }

    /** Builds the heavy profile's templates (about a second); {@link #copy} shares them with another thread. */
    static MailTemplates build(String prefix) {
        return build(prefix, ReportMails.Profile.HEAVY);
    }

    /**
     * Builds the templates of a profile: {@value #TEMPLATES} of the heavy one, {@value #REALISTIC_TEMPLATES} of the
     * realistic one (its reports are spread over 10,000 domains; 64 would make every roll-up row a hot one).
     */
    static MailTemplates build(String prefix, ReportMails.Profile profile) {
        String placeholder = "Z".repeat(id(prefix, 0).length());
        Session session = Session.getInstance(new Properties());
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        boolean realistic = profile == ReportMails.Profile.REALISTIC;
        Template[] t = new Template[realistic ? REALISTIC_TEMPLATES : TEMPLATES];
        Base64.Encoder mime = Base64.getMimeEncoder();
        for (int i = 0; i < t.length; i++) {
            byte[] json;
            String eml;
            String encoded;
            try {
                if (realistic) {
                    Seeder.Model.Drawn drawn = ReportMails.MODEL.drawn(i, yesterday, placeholder);
                    json = drawn.json();
                    eml = new String(ReportMails.realistic(session, drawn, yesterday, i), StandardCharsets.ISO_8859_1);
                } else {
                    Random rnd = BenchSupport.random(8460L * 7919L + i);
                    String[] reporter = BenchSupport.REPORTERS[i % BenchSupport.REPORTERS.length];
                    String domain = "domain-" + (i % 50) + ".example";
                    LocalDate day = yesterday.minusDays(i % 30);
                    json = BenchSupport.report(rnd, reporter[0], reporter[1], placeholder, domain, day,
                            ReportMails.DETAILS, ReportMails.NOISE);
                    eml = new String(ReportMails.eml(session, json, domain, reporter[1], placeholder, day),
                            StandardCharsets.ISO_8859_1);
                }
                encoded = mime.encodeToString(ReportMail.gzip(json));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            int at = eml.indexOf(encoded);
            String jsonText = new String(json, StandardCharsets.ISO_8859_1);
            int idAt = jsonText.indexOf(placeholder);
            if (at < 0 || idAt < 0 || jsonText.indexOf(placeholder, idAt + 1) >= 0) {
                throw new IllegalStateException("template " + i + ": the report part or the report-id is not where "
                        + "expected");
            }
            String head = eml.substring(0, at).replaceFirst("(?m)^Message-ID: <[^>]*>",
                    "Message-ID: <" + placeholder + "@bench.reporter.test>");
            t[i] = new Template(head, eml.substring(at + encoded.length()), json, idAt);
        }
        return new MailTemplates(t, prefix, placeholder);
    }

    int size() {
        return templates.length;
    }

    MailTemplates copy() {
        return new MailTemplates(templates, prefix, placeholder);
    }

    static String id(String prefix, long i) {
        return String.format(java.util.Locale.ROOT, "%s-%012d", prefix, i);
    }

    byte[] message(long i) {
        Template t = templates[(int) (i % templates.length)];
        String id = id(prefix, i);
        if (id.length() != idLength) {
            throw new IllegalArgumentException("message number too large: " + i);
        }
        byte[] json = t.json().clone();
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(idBytes, 0, json, t.idOffset(), idBytes.length);
        String body = Base64.getMimeEncoder().encodeToString(gzip(json));
        String eml = t.head().replace(placeholder, id) + body + t.tail().replace(placeholder, id);
        return eml.getBytes(StandardCharsets.ISO_8859_1);
    }

    private byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0}, 0, 10);
        deflater.reset();
        deflater.setInput(data);
        deflater.finish();
        while (!deflater.finished()) {
            int n = deflater.deflate(buffer);
            out.write(buffer, 0, n);
        }
        crc.reset();
        crc.update(data);
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, data.length);
        return out.toByteArray();
    }

    private static void writeIntLe(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    static void check(byte[] eml, String expectedId) {
        var found = new io.tlsrpt.collector.mail.ReportFinder(io.tlsrpt.collector.mail.MailLimits.defaults())
                .find(eml);
        if (found.parts().size() != 1 || !found.problems().isEmpty()) {
            throw new IllegalStateException("generated message: " + found.parts() + " " + found.problems());
        }
        try (var in = found.parts().get(0).openJson(1 << 24)) {
            var outcome = new io.tlsrpt.collector.report.ReportParser().parse(in);
            if (!(outcome instanceof io.tlsrpt.collector.report.ParseOutcome.Parsed p)
                    || !p.report().reportId().equals(expectedId)) {
                throw new IllegalStateException("generated message does not parse as expected: " + outcome);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
