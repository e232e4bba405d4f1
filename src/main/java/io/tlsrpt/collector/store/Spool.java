package io.tlsrpt.collector.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

/**
 * The durable copy of each accepted raw message that makes the 250 safe while the database has not written it to
 * disk yet (H2 writes commits in the background; DESIGN.md: store before 250). One file per message in one
 * directory: written under a temporary name, forced to disk, renamed to its final name, and the directory forced to
 * disk, so that a file under a final name is complete and survives a crash, and a temporary file was never
 * acknowledged. The directory is forced once for all the renames that arrived while the previous force ran (group
 * commit): concurrent sessions share one directory fsync.
 *
 * <p>File format (big-endian): the magic {@code TLSRPT-SPOOL} and a version byte; the message id (long); sha256,
 * channel, client IP, HELO, envelope sender and recipients as strings (int byte length, -1 for null, then UTF-8);
 * received-at as epoch second (long) and nanosecond (int); the body (int length, bytes); and a CRC-32 (long) of
 * everything before it. Every read is bounded by the body limit given.
 */
public final class Spool {
    /** Final names end in this; temporary names in {@link #TEMP}. */
    public static final String SUFFIX = ".msg";
    public static final String TEMP = ".tmp";
    /** A complete file that cannot be read is renamed to this suffix and kept for a person to look at. */
    public static final String DAMAGED = ".damaged";
    private static final byte[] MAGIC = "TLSRPT-SPOOL".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    /** Longest string field accepted when reading (envelope recipients are the longest: 100 addresses). */
    private static final int MAX_STRING = 1 << 20;

    /** What is needed to insert the message again: the row's id and sha256 to recognise it, envelope, bytes. */
    public record Entry(long id, String sha256, Instant receivedAt, String channel, String clientIp, String helo,
                        String envelopeFrom, String envelopeTo, byte[] body) {
    }

    /** A file under a final name whose content is not a whole spool entry. */
    public static final class DamagedException extends IOException {
        public DamagedException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final long maxBody;
    private final String instance = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private final AtomicLong counter = new AtomicLong();
    // Group commit of the directory fsync: tickets taken after a rename; one thread forces for all taken before it.
    private final AtomicLong requested = new AtomicLong();
    private volatile long synced;
    private final ReentrantLock syncing = new ReentrantLock();
    private final AtomicLong directorySyncs = new AtomicLong();

    /**
     * @param dir     the spool directory; created when missing
     * @param maxBody the largest body accepted when writing and reading (the configured maximum message size)
     */
    public Spool(Path dir, long maxBody) {
        this.dir = dir;
        this.maxBody = maxBody;
    }

    public Path directory() {
        return dir;
    }

    /** Files written so far. */
    public long writes() {
        return requested.get();
    }

    /** Directory fsyncs so far (fewer than {@link #writes()} when concurrent writers shared them). */
    public long directorySyncs() {
        return directorySyncs.get();
    }

    /** Creates the directory when missing and forces its parent, so that it exists after a crash. */
    public void open() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                force(parent);
            }
        }
    }

    /**
     * Writes the entry durably: when this returns, the file is complete under its final name and on disk.
     *
     * @return the file
     * @throws IOException when any step fails (the temporary file is removed then; the caller must not answer 250)
     */
    public Path write(Entry e) throws IOException {
        if (e.body().length > maxBody) {
            throw new IOException("message of " + e.body().length + " bytes is over the spool's limit of " + maxBody);
        }
        String name = String.format("%019d-%s-%d", e.id(), instance, counter.incrementAndGet());
        Path temp = dir.resolve(name + TEMP);
        Path done = dir.resolve(name + SUFFIX);
        byte[] bytes = encode(e);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false); // size changed: fdatasync writes the metadata the data needs
            }
            Files.move(temp, done, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException ex) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next recovery removes it
            }
            throw ex;
        }
        syncDirectory();
        return done;
    }

    /** Forces the directory so that renames done before this call are on disk; shares the fsync with others. */
    private void syncDirectory() throws IOException {
        long ticket = requested.incrementAndGet();
        syncing.lock();
        try {
            if (synced >= ticket) {
                return; // a force that began after our rename has finished
            }
            long upTo = requested.get();
            force(dir);
            directorySyncs.incrementAndGet();
            synced = upTo;
        } finally {
            syncing.unlock();
        }
    }

    private static void force(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static byte[] encode(Entry e) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(e.body().length + 512);
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeByte(VERSION);
        out.writeLong(e.id());
        string(out, e.sha256());
        string(out, e.channel());
        string(out, e.clientIp());
        string(out, e.helo());
        string(out, e.envelopeFrom());
        string(out, e.envelopeTo());
        out.writeLong(e.receivedAt().getEpochSecond());
        out.writeInt(e.receivedAt().getNano());
        out.writeInt(e.body().length);
        out.write(e.body());
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads a complete file.
     *
     * @throws DamagedException when it is not a whole entry (wrong magic, over the bounds, short, CRC mismatch)
     * @throws IOException      when it cannot be read
     */
    public Entry read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > maxBody + 6L * MAX_STRING + 64) {
            throw new DamagedException(file.getFileName() + ": " + size + " bytes, more than an entry can be");
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length < MAGIC.length + 9) {
            throw new DamagedException(file.getFileName() + ": too short");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new DamagedException(file.getFileName() + ": checksum mismatch");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC) || in.readByte() != VERSION) {
                throw new DamagedException(file.getFileName() + ": not a spool file of version " + VERSION);
            }
            long id = in.readLong();
            String sha256 = string(in);
            String channel = string(in);
            String clientIp = string(in);
            String helo = string(in);
            String from = string(in);
            String to = string(in);
            Instant receivedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            int length = in.readInt();
            if (length < 0 || length > maxBody || length > in.available()) {
                throw new DamagedException(file.getFileName() + ": body length " + length + " out of bounds");
            }
            byte[] body = in.readNBytes(length);
            if (in.available() != 0 || sha256 == null || channel == null) {
                throw new DamagedException(file.getFileName() + ": malformed entry");
            }
            return new Entry(id, sha256, receivedAt, channel, clientIp, helo, from, to, body);
        } catch (EOFException | java.time.DateTimeException ex) {
            throw new DamagedException(file.getFileName() + ": malformed entry (" + ex + ")");
        }
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_STRING || n > in.available()) {
            throw new DamagedException("string length " + n + " out of bounds");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    /**
     * Up to {@code limit} complete files (the first the directory listing gives, then sorted: oldest message id first,
     * since names begin with the id).
     */
    public List<Path> complete(int limit) throws IOException {
        List<Path> files = list(SUFFIX, limit);
        files.sort(null);
        return files;
    }

    /** Up to {@code limit} temporary files: writes that never finished (a crash), never acknowledged. */
    public List<Path> temporary(int limit) throws IOException {
        return list(TEMP, limit);
    }

    private List<Path> list(String suffix, int limit) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path p : stream) {
                if (files.size() >= limit) {
                    break;
                }
                files.add(p);
            }
        }
        return files;
    }

    /** Deletes the files (missing ones are fine); the directory is not forced: a file back after a crash is harmless. */
    public void delete(List<Path> files) throws IOException {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (NoSuchFileException ignored) {
                // gone already
            }
        }
    }

    /** Keeps a damaged file out of the way under {@link #DAMAGED}, for a person to look at. */
    public Path setAside(Path file) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + DAMAGED);
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    /** The entry as bytes, for tests that lay out files as a crash would leave them. */
    public static byte[] bytesOf(Entry e) {
        try {
            return encode(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
