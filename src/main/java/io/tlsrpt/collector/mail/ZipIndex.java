package io.tlsrpt.collector.mail;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Reads a zip archive held in memory through its central directory (PKWARE APPNOTE 4.3.12-4.3.16), so that an
 * entry can be listed without inflating it and opened without inflating the ones before it. Entry names are
 * only ever compared as strings, never used as paths (RFC 8460 §6.3 warns about archive paths).
 *
 * <p>Not supported (an IOException says so): zip64, archives split over several files, data before the
 * archive (self-extractors), encryption, and compression methods other than stored and deflate.
 */
final class ZipIndex {

    /** One central directory record. Sizes are as declared, which a hostile archive may lie about. */
    record Entry(String name, int flags, int method, long crc, long compressedSize, long size,
                 long localHeaderOffset) {

        boolean encrypted() {
            return (flags & 1) != 0;
        }

        boolean directory() {
            return name.endsWith("/");
        }
    }

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int END_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int LOCAL_SIZE = 30;
    private static final int MAX_COMMENT = 0xffff;
    private static final long ZIP64_MARK = 0xffffffffL;
    private static final int UTF8_NAME_FLAG = 0x800;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;

    private ZipIndex() {
    }

    /**
     * The entries in central directory order; at most {@code limit + 1} of them, so the caller can tell that
     * there are more than {@code limit}.
     */
    static List<Entry> entries(byte[] zip, int limit) throws IOException {
        int end = findEnd(zip);
        if (u16(zip, end + 4) != 0 || u16(zip, end + 6) != 0) {
            throw new ZipException("zip archives split over several files are not supported");
        }
        int total = u16(zip, end + 10);
        long size = u32(zip, end + 12);
        long offset = u32(zip, end + 16);
        if (total == 0xffff || size == ZIP64_MARK || offset == ZIP64_MARK) {
            throw new ZipException("zip64 archives are not supported");
        }
        if (offset + size > end) {
            throw new ZipException("corrupt zip: central directory out of range");
        }
        List<Entry> entries = new ArrayList<>();
        int p = (int) offset;
        int directoryEnd = (int) (offset + size);
        while (entries.size() < total && entries.size() <= limit) {
            if (p + CENTRAL_SIZE > directoryEnd || s32(zip, p) != CENTRAL_SIGNATURE) {
                throw new ZipException("corrupt zip: bad central directory record " + entries.size());
            }
            int nameLength = u16(zip, p + 28);
            int next = p + CENTRAL_SIZE + nameLength + u16(zip, p + 30) + u16(zip, p + 32);
            if (next > directoryEnd) {
                throw new ZipException("corrupt zip: central directory record " + entries.size() + " too long");
            }
            int flags = u16(zip, p + 8);
            Entry entry = new Entry(name(zip, p + CENTRAL_SIZE, nameLength, flags), flags, u16(zip, p + 10),
                    u32(zip, p + 16), u32(zip, p + 20), u32(zip, p + 24), u32(zip, p + 42));
            if (entry.compressedSize() == ZIP64_MARK || entry.size() == ZIP64_MARK
                    || entry.localHeaderOffset() == ZIP64_MARK) {
                throw new ZipException("zip64 archives are not supported");
            }
            entries.add(entry);
            p = next;
        }
        return entries;
    }

    /** The first entry called {@code name}, or null. */
    static Entry find(byte[] zip, String name) throws IOException {
        for (Entry entry : entries(zip, Integer.MAX_VALUE - 1)) {
            if (entry.name().equals(name)) {
                return entry;
            }
        }
        return null;
    }

    /**
     * The entry's uncompressed bytes, checked against its CRC-32 at the end. The caller bounds the output
     * (a deflate stream can expand about 1000 times); this only refuses what it cannot read.
     */
    static InputStream open(byte[] zip, Entry entry) throws IOException {
        if (entry.encrypted()) {
            throw new ZipException("zip entry is encrypted");
        }
        long local = entry.localHeaderOffset();
        if (local + LOCAL_SIZE > zip.length || s32(zip, (int) local) != LOCAL_SIGNATURE) {
            throw new ZipException("corrupt zip: no local header for the entry");
        }
        long data = local + LOCAL_SIZE + u16(zip, (int) local + 26) + u16(zip, (int) local + 28);
        if (data + entry.compressedSize() > zip.length) {
            throw new EOFException("truncated zip entry");
        }
        InputStream compressed = new ByteArrayInputStream(zip, (int) data, (int) entry.compressedSize());
        InputStream plain;
        if (entry.method() == STORED) {
            plain = compressed;
        } else if (entry.method() == DEFLATED) {
            // Raw deflate ("nowrap"): the Inflater javadoc asks for one extra dummy byte after the data.
            InputStream padded = new SequenceInputStream(compressed, new ByteArrayInputStream(new byte[1]));
            plain = new ZipEntryInflater(padded, new Inflater(true));
        } else {
            throw new ZipException("unsupported zip compression method " + entry.method());
        }
        return new CrcCheckingInputStream(plain, entry.crc());
    }

    /** The end of central directory record, searched backwards past an archive comment (APPNOTE 4.3.16). */
    private static int findEnd(byte[] zip) throws ZipException {
        int lowest = Math.max(0, zip.length - END_SIZE - MAX_COMMENT);
        for (int p = zip.length - END_SIZE; p >= lowest; p--) {
            if (s32(zip, p) == END_SIGNATURE) {
                return p;
            }
        }
        throw new ZipException("corrupt zip: no end of central directory record (cut short?)");
    }

    /**
     * Names are UTF-8 when flag bit 11 says so (APPNOTE appendix D). Otherwise they are CP437 by the
     * specification, but many tools write UTF-8 without the flag; try UTF-8, else ISO-8859-1, which keeps the
     * ASCII names reports have exact.
     */
    private static String name(byte[] zip, int offset, int length, int flags) {
        if ((flags & UTF8_NAME_FLAG) != 0) {
            return new String(zip, offset, length, StandardCharsets.UTF_8);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(zip, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return new String(zip, offset, length, StandardCharsets.ISO_8859_1);
        }
    }

    private static int u16(byte[] b, int p) throws ZipException {
        check(b, p, 2);
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    private static long u32(byte[] b, int p) throws ZipException {
        return s32(b, p) & 0xffffffffL;
    }

    private static int s32(byte[] b, int p) throws ZipException {
        check(b, p, 4);
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    private static void check(byte[] b, int p, int length) throws ZipException {
        if (p < 0 || p > b.length - length) {
            throw new ZipException("corrupt zip: field out of range");
        }
    }
}
