package io.tlsrpt.collector.mail;

import static io.tlsrpt.collector.mail.TestMail.MAX;
import static io.tlsrpt.collector.mail.TestMail.attachment;
import static io.tlsrpt.collector.mail.TestMail.base64;
import static io.tlsrpt.collector.mail.TestMail.bytes;
import static io.tlsrpt.collector.mail.TestMail.find;
import static io.tlsrpt.collector.mail.TestMail.gzip;
import static io.tlsrpt.collector.mail.TestMail.json;
import static io.tlsrpt.collector.mail.TestMail.readJson;
import static io.tlsrpt.collector.mail.TestMail.reportMessage;
import static io.tlsrpt.collector.mail.TestMail.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Bombs, damage, garbage and limits: nothing throws out of find, and nothing is expanded past the limit. */
class HostileInputTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    /** Writes {@code size} zero bytes into {@code out} without ever holding them in memory. */
    private static void zeros(OutputStream out, long size) throws IOException {
        byte[] block = new byte[1 << 16];
        for (long written = 0; written < size; written += block.length) {
            out.write(block, 0, (int) Math.min(block.length, size - written));
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
        }
        return total;
    }

    /** 1 GiB of zeros gzipped to about 1 MB: refused at 50 MiB, never expanded. */
    @Test
    void gzipBomb() throws Exception {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(compressed, 1 << 16)) {
            gz.write('{');
            zeros(gz, GIB);
        }
        assertTrue(compressed.size() < 2 * MIB, "bomb is " + compressed.size() + " bytes");
        FoundReports found = find(reportMessage(attachment("application/tlsrpt+gzip", "bomb.json.gz",
                compressed.toByteArray())));
        assertEquals(1, found.parts().size());
        ReportPart part = found.parts().get(0);
        assertEquals(Format.GZIP, part.format());
        long[] readBeforeRefusal = new long[1];
        ReportTooLargeException e = assertThrows(ReportTooLargeException.class, () -> {
            try (InputStream in = part.openJson(50 * MIB)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    readBeforeRefusal[0] += n;
                }
            }
        });
        assertEquals(50 * MIB, e.limit());
        assertTrue(e.getMessage().contains("52428800"), e.getMessage());
        assertTrue(readBeforeRefusal[0] <= 50 * MIB && readBeforeRefusal[0] > 49 * MIB, "read " + readBeforeRefusal[0]);
    }

    private static byte[] cachedZipBomb;

    /** A zip with one entry that inflates to 256 MiB (about 250 KB), made once. */
    private static synchronized byte[] zipOfQuarterGib() throws IOException {
        if (cachedZipBomb == null) {
            cachedZipBomb = zipOfZeros("bomb.json", 256 * MIB);
        }
        return cachedZipBomb.clone();
    }

    /** A zip whose entry inflates to 256 MiB is refused by its declared size, before inflating. */
    @Test
    void zipBomb() throws Exception {
        byte[] bomb = zipOfQuarterGib();
        FoundReports found = find(reportMessage(attachment("application/zip", "bomb.zip", bomb)));
        assertEquals(1, found.parts().size(), found::toString);
        ReportTooLargeException e = assertThrows(ReportTooLargeException.class,
                () -> found.parts().get(0).openJson(50 * MIB));
        assertEquals(50 * MIB, e.limit());
    }

    /** The same bomb lying about its size in the central directory is stopped by counting instead. */
    @Test
    void zipBombLyingAboutItsSize() throws Exception {
        byte[] bomb = zipOfQuarterGib();
        patchCentralSize(bomb, 10);
        FoundReports found = find(reportMessage(attachment("application/zip", "bomb.zip", bomb)));
        ReportPart part = found.parts().get(0);
        assertThrows(ReportTooLargeException.class, () -> {
            try (InputStream in = part.openJson(50 * MIB)) {
                drain(in);
            }
        });
    }

    /** A gzip cut in the middle of its data. */
    @Test
    void truncatedGzip() throws Exception {
        byte[] whole = gzip(bytes(json("cut").repeat(50)));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        FoundReports found = find(reportMessage(attachment("application/tlsrpt+gzip", "cut.json.gz", cut)));
        assertEquals(1, found.parts().size());
        IOException e = assertThrows(IOException.class, () -> readJson(found.parts().get(0)));
        assertTrue(e.getMessage().contains("truncated gzip"), e.getMessage());
    }

    /** A gzip cut inside its 10-byte header fails when opened, with the same words. */
    @Test
    void truncatedGzipHeader() {
        byte[] cut = Arrays.copyOf(gzip(bytes(json("h"))), 5);
        FoundReports found = find(reportMessage(attachment("application/gzip", "h.json.gz", cut)));
        IOException e = assertThrows(IOException.class, () -> found.parts().get(0).openJson(MAX));
        assertTrue(e.getMessage().contains("truncated gzip"), e.getMessage());
    }

    /** A corrupted gzip (CRC mismatch) is an IOException, not garbage. */
    @Test
    void corruptGzip() {
        byte[] gz = gzip(bytes(json("crc")));
        gz[gz.length - 6] ^= 0x55; // inside the CRC-32 trailer
        FoundReports found = find(reportMessage(attachment("application/gzip", "c.json.gz", gz)));
        IOException e = assertThrows(IOException.class, () -> readJson(found.parts().get(0)));
        assertTrue(e.getMessage().contains("corrupt gzip"), e.getMessage());
    }

    /** Concatenated gzip members (RFC 1952 §2.2) come out one after the other. */
    @Test
    void concatenatedGzipMembers() throws Exception {
        byte[] first = gzip(bytes("{\"report-id\":\"part-"));
        byte[] second = gzip(bytes("one\"}"));
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        FoundReports found = find(reportMessage(attachment("application/tlsrpt+gzip", "m.json.gz", both)));
        assertEquals("{\"report-id\":\"part-one\"}", readJson(found.parts().get(0)));
    }

    /** A damaged zip entry (CRC mismatch) is an IOException. */
    @Test
    void corruptZipEntry() {
        byte[] stored = storedZip("r.json", bytes(json("zcrc")));
        stored[40] ^= 0x01; // a data byte of the stored entry (the local header is 30 + 6 bytes)
        FoundReports found = find(reportMessage(attachment("application/zip", "r.zip", stored)));
        assertEquals(1, found.parts().size(), found::toString);
        IOException e = assertThrows(IOException.class, () -> readJson(found.parts().get(0)));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    /** A gzip inside a zip is not unpacked (RFC 8460 §6.3): a problem naming the entry. */
    @Test
    void nestedArchiveInZip() {
        byte[] zip = zip(Map.of("inner.json.gz", gzip(bytes(json("nested")))));
        FoundReports found = find(reportMessage(attachment("application/zip", "outer.zip", zip)));
        assertTrue(found.parts().isEmpty());
        assertEquals("zip entry \"inner.json.gz\": nested archive not supported", found.problems().get(0).reason());
        assertEquals("outer.zip", found.problems().get(0).fileName());
    }

    /** Bad base64: a problem with a reason, no report, no exception. */
    @Test
    void badBase64() {
        String mail = """
                From: a@b.example
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=tlsrpt; boundary=b

                --b
                Content-Type: text/plain

                report
                --b
                Content-Type: application/tlsrpt+gzip; name="r.json.gz"
                Content-Transfer-Encoding: base64

                H4sIAAAAAAAAA6tWKkktLlGyUlAqS8wpTVWqBQCkMm
                !!! this is not base64 ###
                --b--
                """;
        FoundReports found = find(mail);
        assertTrue(found.parts().isEmpty());
        assertEquals(1, found.problems().size(), found::toString);
        PartProblem problem = found.problems().get(0);
        assertTrue(problem.reason().startsWith("bad base64"), problem.reason());
        assertEquals("r.json.gz", problem.fileName());
        assertEquals(2, problem.index());
    }

    /** Base64 with a lone leftover character is truncated. */
    @Test
    void truncatedBase64() {
        String mail = "From: a@b.example\nContent-Type: application/tlsrpt+gzip\n"
                + "Content-Transfer-Encoding: base64\n\nH4sIA\n";
        FoundReports found = find(mail);
        assertTrue(found.parts().isEmpty());
        assertTrue(found.problems().get(0).reason().contains("truncated"), found::toString);
    }

    /** A text-only message: nothing found, nothing wrong; the caller quarantines it as "no report found". */
    @Test
    void noReport() {
        FoundReports found = find("From: a@b.example\nSubject: hello\nContent-Type: text/plain\n\nJust text.\n");
        assertTrue(found.parts().isEmpty());
        assertTrue(found.problems().isEmpty());
        assertEquals("hello", found.facts().subject());
    }

    /** A part named and typed like a report whose bytes are something else. */
    @Test
    void reportNameWithWrongContent() {
        FoundReports found = find(reportMessage(attachment("application/tlsrpt+gzip", "r.json.gz",
                bytes("<html>not a report</html>"))));
        assertTrue(found.parts().isEmpty());
        assertEquals(1, found.problems().size());
        assertTrue(found.problems().get(0).reason().startsWith("content is not gzip, zip or JSON (starts with 3c"),
                found.problems()::toString);
    }

    /** PK magic followed by garbage: the zip cannot be opened. */
    @Test
    void brokenZip() {
        byte[] broken = bytes("PK\u0003\u0004 garbage garbage garbage garbage");
        FoundReports found = find(reportMessage(attachment("application/zip", "r.zip", broken)));
        assertTrue(found.parts().isEmpty());
        assertTrue(found.problems().get(0).reason().startsWith("zip cannot be opened"), found::toString);
    }

    /** 10,000 MIME parts: cut at the limit, "too many parts", the report before the cut still found. */
    @Test
    void tenThousandParts() throws Exception {
        StringBuilder mail = new StringBuilder("""
                From: a@b.example
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=p

                --p
                Content-Type: application/json

                """).append(json("first")).append('\n');
        for (int i = 0; i < 10_000; i++) {
            mail.append("--p\nContent-Type: text/plain\n\npart ").append(i).append('\n');
        }
        mail.append("--p--\n");
        FoundReports found = find(mail.toString());
        assertEquals(1, found.parts().size());
        assertTrue(readJson(found.parts().get(0)).contains("first"));
        assertTrue(found.problems().stream().anyMatch(p -> p.index() == PartProblem.MESSAGE
                && p.reason().equals("too many parts (more than 1000)")), found.problems()::toString);
    }

    /** Multiparts nested deeper than the limit: "too deep"; a report within the limit is still found. */
    @Test
    void nestingDeeperThanTheLimit() throws Exception {
        int levels = 15;
        StringBuilder mail = new StringBuilder("From: a@b.example\nMIME-Version: 1.0\n");
        for (int i = 0; i < levels; i++) {
            mail.append("Content-Type: multipart/mixed; boundary=n").append(i).append("\n\n--n").append(i).append('\n');
            if (i == 3) {
                mail.append("Content-Type: application/json\n\n").append(json("shallow")).append("\n--n3\n");
            }
        }
        mail.append("Content-Type: application/json\n\n").append(json("deep")).append('\n');
        for (int i = levels - 1; i >= 0; i--) {
            mail.append("--n").append(i).append("--\n");
        }
        FoundReports found = find(mail.toString());
        assertEquals(1, found.parts().size(), found::toString);
        assertTrue(readJson(found.parts().get(0)).contains("shallow"));
        assertTrue(found.problems().stream().anyMatch(
                p -> p.reason().equals("too deep (more than 10 levels of nesting)")), found::toString);
    }

    /** Forwarded messages nested without end count as nesting too. */
    @Test
    void forwardedMessagesNestedDeeperThanTheLimit() {
        String mail = "Content-Type: application/json\n\n" + json("very-deep") + "\n";
        for (int i = 0; i < 20; i++) {
            mail = "From: a@b.example\nContent-Type: message/rfc822\n\n" + mail;
        }
        FoundReports found = find(mail);
        assertTrue(found.parts().isEmpty());
        assertTrue(found.problems().get(0).reason().startsWith("too deep"), found::toString);
    }

    /** NUL bytes in the header and the body. */
    @Test
    void nulBytes() {
        byte[] raw = bytes("From: a\u0000@b.example\nSub\u0000ject: x\nContent-Type: multipart/mixed; boundary=\"\u0000\"\n\n"
                + "--\u0000\nContent-Type: application/json\n\n\u0000{\u0000}\n--\u0000--\n");
        FoundReports found = find(raw);
        assertNotNull(found.facts());
        assertTrue(found.parts().isEmpty(), found::toString);
        FoundReports zeros = find(new byte[4096]);
        assertTrue(zeros.parts().isEmpty());
        assertTrue(zeros.problems().get(0).reason().startsWith("not a MIME message"), zeros::toString);
    }

    /** Random bytes, and random bytes after a plausible header: never an exception. */
    @Test
    void randomGarbage() {
        Random random = new Random(8460);
        int withProblems = 0;
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[random.nextInt(20_000)];
            random.nextBytes(garbage);
            FoundReports found = find(garbage);
            assertNotNull(found.facts());
            withProblems += found.problems().isEmpty() ? 0 : 1;
            byte[] prefixed = concat(bytes("From: a@b.example\nContent-Type: multipart/mixed; boundary=x\n\n--x\n"
                    + "Content-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n\n"), garbage);
            FoundReports second = find(prefixed);
            assertTrue(second.parts().isEmpty() || second.parts().get(0).body().length > 0);
        }
        assertTrue(withProblems > 150, "garbage flagged as not MIME in " + withProblems + " of 200");
    }

    /** Empty and null input. */
    @Test
    void emptyInput() {
        for (byte[] raw : new byte[][] {new byte[0], null}) {
            FoundReports found = new ReportFinder(MailLimits.defaults()).find(raw);
            assertTrue(found.parts().isEmpty());
            assertEquals("not a MIME message: no From, Date, MIME-Version or Content-Type header",
                    found.problems().get(0).reason());
        }
    }

    /** A zip with two entries of the same name: the second is refused, so entries are found again by name. */
    @Test
    void duplicateZipEntryNames() throws Exception {
        byte[] twice = withDuplicate("r.json", bytes(json("dup-1")), bytes(json("dup-2")));
        FoundReports found = find(reportMessage(attachment("application/zip", "d.zip", twice)));
        assertEquals(1, found.parts().size(), found::toString);
        assertTrue(readJson(found.parts().get(0)).contains("dup-1"));
        assertTrue(found.problems().get(0).reason().contains("duplicate entry name"), found::toString);
    }

    private static byte[] zipOfZeros(String name, long size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(9);
            zip.putNextEntry(new ZipEntry(name));
            zip.write('{');
            zeros(zip, size - 1);
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    /** Sets the uncompressed size of the first central directory record. */
    private static void patchCentralSize(byte[] zip, int size) {
        for (int p = zip.length - 22; p >= 0; p--) {
            if (zip[p] == 'P' && zip[p + 1] == 'K' && zip[p + 2] == 1 && zip[p + 3] == 2) {
                zip[p + 24] = (byte) size;
                zip[p + 25] = 0;
                zip[p + 26] = 0;
                zip[p + 27] = 0;
                return;
            }
        }
        throw new AssertionError("no central directory");
    }

    /** A zip with one STORED (uncompressed) entry. */
    private static byte[] storedZip(String name, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setMethod(ZipOutputStream.STORED);
            ZipEntry entry = new ZipEntry(name);
            CRC32 crc = new CRC32();
            crc.update(data);
            entry.setSize(data.length);
            entry.setCompressedSize(data.length);
            entry.setCrc(crc.getValue());
            zip.putNextEntry(entry);
            zip.write(data);
            zip.closeEntry();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** ZipOutputStream refuses duplicate names: write a same-length name, then rename it in place. */
    private static byte[] withDuplicate(String name, byte[] first, byte[] second) {
        String other = name.replace('r', 'x');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(first);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(other));
            zip.write(second);
            zip.closeEntry();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        byte[] zip = out.toByteArray();
        byte[] from = bytes(other);
        byte[] to = bytes(name);
        for (int p = 0; p + from.length <= zip.length; p++) {
            if (Arrays.equals(zip, p, p + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, zip, p, to.length);
            }
        }
        return zip;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
