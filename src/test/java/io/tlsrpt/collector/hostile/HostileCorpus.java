package io.tlsrpt.collector.hostile;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.IntFunction;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The hostile corpus, made at test time: bombs, damaged archives, huge and deep JSON, broken MIME. Big inputs are
 * streamed into a compressor, so only the compressed bytes are ever held (about 1 MB for a 1 GiB bomb).
 */
final class HostileCorpus {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;
    static final String CRLF = "\r\n";

    private HostileCorpus() {
    }

    /** Compressed bytes and how many bytes they expand to. */
    record Packed(byte[] bytes, long plainSize) {
    }

    // ---------------------------------------------------------------- reports

    /** A JSON string literal (quotes, backslashes and control characters escaped). */
    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** One failure-details entry. */
    static String detail(String resultType, String sendingIp, String mx, String receivingIp, long sessions) {
        return "{\"result-type\":" + q(resultType) + ",\"sending-mta-ip\":" + q(sendingIp)
                + ",\"receiving-mx-hostname\":" + q(mx) + ",\"receiving-ip\":" + q(receivingIp)
                + ",\"failed-session-count\":" + sessions + "}";
    }

    /**
     * Writes a one-policy report (STS, policy domain {@code domain}, date range 2025-06-01) with {@code details}
     * failure details made by {@code detail}, without building the document in memory.
     */
    static void writeReport(Writer w, String org, String reportId, String domain, long successful, long failed,
                            int details, IntFunction<String> detail) throws IOException {
        w.write("{\"organization-name\":" + q(org)
                + ",\"date-range\":{\"start-datetime\":\"2025-06-01T00:00:00Z\",\"end-datetime\":\"2025-06-01T23:59:59Z\"}"
                + ",\"contact-info\":" + q("tlsrpt@" + org.toLowerCase().replaceAll("[^a-z0-9.]", "") + ".test")
                + ",\"report-id\":" + q(reportId)
                + ",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\","
                + "\"mode: enforce\",\"mx: mx1." + domain + "\",\"max_age: 86400\"],\"policy-domain\":" + q(domain)
                + ",\"mx-host\":[\"mx1." + domain + "\"]},\"summary\":{\"total-successful-session-count\":"
                + successful + ",\"total-failure-session-count\":" + failed + "},\"failure-details\":[");
        for (int i = 0; i < details; i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(detail.apply(i));
        }
        w.write("]}]}");
    }

    static String report(String org, String reportId, String domain, long successful, long failed,
                         String... details) {
        StringBuilder b = new StringBuilder();
        try (Writer w = new StringBuilderWriter(b)) {
            writeReport(w, org, reportId, domain, successful, failed, details.length, i -> details[i]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }

    /** A report streamed through gzip: its JSON is never held, only the compressed bytes. */
    static Packed gzipReport(String org, String reportId, String domain, long successful, long failed, int details,
                             IntFunction<String> detail) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        Counting counting;
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed, 1 << 16)) {
            counting = new Counting(gz);
            Writer w = new BufferedWriter(new OutputStreamWriter(counting, StandardCharsets.UTF_8), 1 << 16);
            writeReport(w, org, reportId, domain, successful, failed, details, detail);
            w.flush();
        }
        return new Packed(compressed.toByteArray(), counting.count);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- bombs

    /** {@code prefix}, then {@code count} copies of {@code fill} gzipped, streamed: about 1 MB per GiB. */
    static Packed gzipBomb(String prefix, byte fill, long count) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed, 1 << 16)) {
            gz.write(prefix.getBytes(StandardCharsets.UTF_8));
            repeat(gz, fill, count);
        }
        return new Packed(compressed.toByteArray(), prefix.length() + count);
    }

    /**
     * A zip with one deflated entry of {@code prefix} and {@code count} copies of {@code fill}. With
     * {@code declaredSize} not null, the central directory lies that the entry is that big.
     */
    static Packed zipBomb(String entryName, String prefix, byte fill, long count, Long declaredSize)
            throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(compressed)) {
            zip.setLevel(Deflater.BEST_COMPRESSION);
            zip.putNextEntry(new ZipEntry(entryName));
            zip.write(prefix.getBytes(StandardCharsets.UTF_8));
            repeat(zip, fill, count);
            zip.closeEntry();
        }
        byte[] bytes = compressed.toByteArray();
        if (declaredSize != null) {
            lieAboutSize(bytes, declaredSize);
        }
        return new Packed(bytes, prefix.length() + count);
    }

    /** A zip of the given entries (name, content), deflated. */
    static byte[] zip(String[] names, byte[][] contents) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < names.length; i++) {
                zip.putNextEntry(new ZipEntry(names[i]));
                zip.write(contents[i]);
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /** Rewrites the uncompressed size of the first central directory record (APPNOTE 4.3.12). */
    private static void lieAboutSize(byte[] zip, long size) {
        int end = zip.length - 22; // no archive comment
        if (u32(zip, end) != 0x06054b50L) {
            throw new IllegalStateException("no end of central directory record");
        }
        int central = (int) u32(zip, end + 16);
        if (u32(zip, central) != 0x02014b50L) {
            throw new IllegalStateException("no central directory record");
        }
        for (int i = 0; i < 4; i++) {
            zip[central + 24 + i] = (byte) (size >>> (8 * i));
        }
    }

    private static long u32(byte[] b, int p) {
        return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
    }

    private static void repeat(OutputStream out, byte fill, long count) throws IOException {
        byte[] block = new byte[1 << 16];
        Arrays.fill(block, fill);
        for (long written = 0; written < count; written += block.length) {
            out.write(block, 0, (int) Math.min(block.length, count - written));
        }
    }

    // ---------------------------------------------------------------- messages

    /**
     * An RFC 8460 §5.3 report e-mail: multipart/report; report-type=tlsrpt, a text part and one attachment,
     * base64-encoded in 76-column lines.
     */
    static byte[] reportMail(String subject, String contentType, String fileName, byte[] attachment) {
        return reportMailWith(subject, contentType, fileName, "base64", base64Lines(attachment), true);
    }

    /**
     * The same with the attachment body given as it goes on the wire; without {@code close}, the multipart is
     * never closed.
     */
    static byte[] reportMailWith(String subject, String contentType, String fileName, String transferEncoding,
                                 String body, boolean close) {
        String boundary = "----=_hostile_" + Long.toHexString(System.nanoTime());
        StringBuilder b = new StringBuilder();
        b.append(headers(subject, "multipart/report; report-type=\"tlsrpt\"; boundary=\"" + boundary + "\""));
        b.append(CRLF).append("This is a multi-part message in MIME format.").append(CRLF);
        b.append("--").append(boundary).append(CRLF)
                .append("Content-Type: text/plain; charset=us-ascii").append(CRLF).append(CRLF)
                .append("This is an aggregate TLS report.").append(CRLF);
        b.append("--").append(boundary).append(CRLF)
                .append("Content-Type: ").append(contentType).append(CRLF)
                .append("Content-Disposition: attachment; filename=\"").append(fileName).append('"').append(CRLF)
                .append("Content-Transfer-Encoding: ").append(transferEncoding).append(CRLF).append(CRLF)
                .append(body);
        if (!body.endsWith(CRLF)) {
            b.append(CRLF);
        }
        if (close) {
            b.append("--").append(boundary).append("--").append(CRLF);
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The header of a report e-mail, ending with the empty line. */
    static String headers(String subject, String contentType) {
        return "From: TLS reporter <noreply-smtp-tls-reporting@hostile.test>" + CRLF
                + "To: tlsrpt@reports.example.com" + CRLF
                + "Subject: " + subject + CRLF
                + "Date: Mon, 02 Jun 2025 10:00:00 +0000" + CRLF
                + "Message-ID: <" + System.nanoTime() + "@hostile.test>" + CRLF
                + "MIME-Version: 1.0" + CRLF
                + "TLS-Report-Domain: hostile.test" + CRLF
                + "TLS-Report-Submitter: hostile.test" + CRLF
                + "Content-Type: " + contentType + CRLF + CRLF;
    }

    static String base64Lines(byte[] bytes) {
        return Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes) + CRLF;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Counts the bytes written through it. */
    static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private static final class StringBuilderWriter extends Writer {
        private final StringBuilder b;

        StringBuilderWriter(StringBuilder b) {
            this.b = b;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            b.append(cbuf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
