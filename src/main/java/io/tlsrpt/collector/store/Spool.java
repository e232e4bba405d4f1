package io.tlsrpt.collector.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

/**
 * The durable copy of each accepted raw message that makes the 250 safe while the database has not written it to
 * disk yet (H2 writes commits in the background; DESIGN.md: store before 250).
 *
 * <p>An append-only log in segment files {@code <instance>-<seq>.log}, written with group commit: {@link #write}
 * queues its entry and waits; the first waiter with no flush running becomes the leader, appends every queued entry
 * with one write, forces the file once ({@code fdatasync}) and wakes the writers of that batch. A force costs about
 * the same for one entry as for twenty, so sessions that finish together share it and the rate is a multiple of the
 * disk's flush rate. A new segment's directory entry is forced before any entry in it is acknowledged. When a write
 * or force fails, every writer of that batch gets the exception (the caller answers 451) and the segment is closed:
 * after a failed fsync the state of the file is unknown, so nothing is appended to it again; the next batch starts a
 * new segment.
 *
 * <p>Segment: a sequence of entries, each an int length followed by that many bytes of record. Record (big-endian):
 * the magic {@code TLSRPT-SPOOL} and a version byte; the message id (long); sha256, channel, client IP, HELO,
 * envelope sender and recipients as strings (int byte length, -1 for null, then UTF-8); received-at as epoch second
 * (long) and nanosecond (int); the body (int length, bytes); and a CRC-32 (long) of everything before it in the
 * record. An entry that is short or fails its check at the end of a segment is a write that a crash cut off, never
 * acknowledged ({@link SegmentReader#tornTail()}); one that fails with more bytes after it is damage
 * ({@link DamagedException}). Every read is bounded by the body limit given.
 */
public final class Spool {
    /** Segment files end in this. */
    public static final String SEGMENT = ".log";
    /** Files of the first format of the spool (one message per file), read by the recovery after an upgrade. */
    public static final String LEGACY = ".msg";
    /** A file of the first format whose write never finished (never acknowledged). */
    public static final String LEGACY_TMP = ".tmp";
    /** A segment with a damaged entry is renamed to end in this and kept for a person to look at. */
    public static final String DAMAGED = ".damaged";
    /** Segments are closed once they pass this size, so that one file stays of a size that is easy to handle. */
    public static final long SEGMENT_BYTES = 64L << 20;
    private static final byte[] MAGIC = "TLSRPT-SPOOL".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    /** Longest string field accepted when reading (envelope recipients are the longest: 100 addresses). */
    private static final int MAX_STRING = 1 << 20;
    /** Smallest record: magic, version, id, six null strings, received-at, body length, CRC. */
    private static final int MIN_RECORD = MAGIC.length + 1 + 8 + 6 * 4 + 12 + 4 + 8;

    /** What is needed to insert the message again: the row's id and sha256 to recognise it, envelope, bytes. */
    public record Entry(long id, String sha256, Instant receivedAt, String channel, String clientIp, String helo,
                        String envelopeFrom, String envelopeTo, byte[] body) {
    }

    /** An entry in the middle of a segment that is not a whole record: the disk's damage, not a crash's. */
    public static final class DamagedException extends IOException {
        public DamagedException(String message) {
            super(message);
        }
    }

    /** Entries queued for one flush, and its outcome for their writers. */
    private static final class Batch {
        final List<byte[]> entries = new ArrayList<>();
        long bytes;
        boolean done;
        IOException failure;
    }

    /** The segment being appended to. */
    private static final class Segment {
        final Path path;
        final FileChannel channel;
        long size;

        Segment(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }
    }

    private final Path dir;
    private final long maxBody;
    private final long segmentBytes;
    private final String instance = String.format("%016x", ThreadLocalRandom.current().nextLong());
    private final AtomicLong sequence = new AtomicLong();

    // Group commit: writers add to `open` under `queue`; `flushing` is true while a leader writes a batch.
    private final Object queue = new Object();
    private Batch open = new Batch();
    private boolean flushing;

    /** Held by the leader while it appends and forces, and by {@link #rotate()}: one of them touches the segment. */
    final ReentrantLock segmentLock = new ReentrantLock();
    private Segment current;
    /** Segments of this run that take no more entries, oldest first, until {@link #delete} removes them. */
    private final ConcurrentLinkedQueue<Path> closed = new ConcurrentLinkedQueue<>();

    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong forces = new AtomicLong();
    private final AtomicLong segments = new AtomicLong();

    /**
     * @param dir     the spool directory; created when missing
     * @param maxBody the largest body accepted when writing and reading (the configured maximum message size)
     */
    public Spool(Path dir, long maxBody) {
        this(dir, maxBody, SEGMENT_BYTES);
    }

    /** @param segmentBytes size past which a segment is closed and the next batch starts a new one */
    public Spool(Path dir, long maxBody, long segmentBytes) {
        this.dir = dir;
        this.maxBody = maxBody;
        this.segmentBytes = segmentBytes;
    }

    public Path directory() {
        return dir;
    }

    /** Entries written and forced so far. */
    public long writes() {
        return writes.get();
    }

    /** File forces so far: fewer than {@link #writes()} when concurrent writers shared them. */
    public long forces() {
        return forces.get();
    }

    /** Segment files created so far (each cost one directory force). */
    public long segments() {
        return segments.get();
    }

    /** Creates the directory when missing and forces its parent, so that it exists after a crash. */
    public void open() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                forceDirectory(parent);
            }
        }
    }

    /**
     * Writes the entry durably: when this returns, the entry is in a segment on disk.
     *
     * @throws IOException when it could not be written or forced (the caller must not answer 250)
     */
    public void write(Entry e) throws IOException {
        if (e.body().length > maxBody) {
            throw new IOException("message of " + e.body().length + " bytes is over the spool's limit of " + maxBody);
        }
        byte[] framed = frame(e);
        boolean interrupted = false;
        try {
            Batch batch;
            synchronized (queue) {
                Batch mine = open;
                mine.entries.add(framed);
                mine.bytes += framed.length;
                // Not interruptible: the entry is queued and may reach the disk; the answer must wait for its force.
                while (!mine.done && flushing) {
                    try {
                        queue.wait();
                    } catch (InterruptedException ex) {
                        interrupted = true;
                    }
                }
                if (mine.done) {
                    if (mine.failure != null) {
                        throw new IOException(mine.failure.getMessage(), mine.failure);
                    }
                    return;
                }
                // No flush runs and ours is not done, so ours is still the open batch: lead it.
                flushing = true;
                batch = open;
                open = new Batch();
            }
            // A FileChannel closes itself when a thread with its interrupt flag set uses it: an interrupt meant for
            // this writer alone (a transport stopping its thread) would fail every entry of the batch and the
            // segment. The flag is cleared for the flush and restored in the finally below.
            interrupted |= Thread.interrupted();
            lead(batch);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Flushes the batch as its leader and hands the outcome to its writers. */
    private void lead(Batch batch) throws IOException {
        IOException failure = null;
        try {
            flush(batch);
        } catch (IOException ex) {
            failure = ex;
        } catch (RuntimeException ex) {
            failure = new IOException(ex.toString(), ex);
        }
        synchronized (queue) {
            batch.done = true;
            batch.failure = failure;
            flushing = false;
            queue.notifyAll(); // the batch's writers return; one of those queued since leads the next batch
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Entries queued and not yet taken by a leader (tests). */
    int queued() {
        synchronized (queue) {
            return open.entries.size();
        }
    }

    /** Appends the batch to the current segment with one write and one force. */
    private void flush(Batch batch) throws IOException {
        segmentLock.lock();
        try {
            if (current != null && current.size >= segmentBytes) {
                closeCurrent();
            }
            if (current == null) {
                current = createSegment();
            }
            Segment s = current;
            long start = s.size;
            try {
                ByteBuffer[] buffers = new ByteBuffer[batch.entries.size()];
                for (int i = 0; i < buffers.length; i++) {
                    buffers[i] = ByteBuffer.wrap(batch.entries.get(i));
                }
                for (long left = batch.bytes; left > 0; ) {
                    left -= s.channel.write(buffers);
                }
                s.channel.force(false); // fdatasync: the data and the file size, which the data needs
                forces.incrementAndGet();
            } catch (IOException | RuntimeException ex) {
                // What reached the disk is unknown after a failed write or fsync, so nothing more goes into this
                // segment. The refused entries are cut off as far as the file system still lets us; should that fail
                // too and the process crash before the clean-up, recovery stores them once more (their senders were
                // told to retry, so a report is then recorded as a duplicate; nothing acknowledged is lost).
                try {
                    s.channel.truncate(start);
                } catch (IOException | RuntimeException ignored) {
                    // see above
                }
                closeCurrent();
                throw ex;
            }
            s.size = start + batch.bytes;
            writes.addAndGet(batch.entries.size());
        } finally {
            segmentLock.unlock();
        }
    }

    /** A new empty segment whose directory entry is on disk, so that entries forced into it survive a crash. */
    private Segment createSegment() throws IOException {
        Path path = dir.resolve(String.format("%s-%010d%s", instance, sequence.incrementAndGet(), SEGMENT));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            forceDirectory(dir);
        } catch (IOException | RuntimeException ex) {
            channel.close();
            Files.deleteIfExists(path); // empty, nothing acknowledged in it
            throw ex;
        }
        segments.incrementAndGet();
        return new Segment(path, channel);
    }

    /** Closes the current segment (every entry in it is forced or refused already); the clean-up deletes it. */
    private void closeCurrent() {
        Segment s = current;
        if (s == null) {
            return;
        }
        current = null;
        try {
            s.channel.close();
        } catch (IOException ignored) {
            // its entries were forced before; a close error changes nothing on disk
        }
        closed.add(s.path);
    }

    /**
     * Closes the segment being written, when there is one: its entries join the closed segments and the next write
     * starts a new one. Waits for a flush that runs.
     */
    public void rotate() {
        segmentLock.lock();
        try {
            closeCurrent();
        } finally {
            segmentLock.unlock();
        }
    }

    /** Up to {@code limit} segments of this run that take no more entries, oldest first. */
    public List<Path> closedSegments(int limit) {
        List<Path> list = new ArrayList<>();
        for (Path p : closed) {
            if (list.size() >= limit) {
                break;
            }
            list.add(p);
        }
        return list;
    }

    /** Deletes the segments (missing ones are fine); the directory is not forced: a segment back after a crash is
     * recovered again, which stores nothing twice. */
    public void delete(List<Path> files) throws IOException {
        for (Path f : files) {
            Files.deleteIfExists(f);
            closed.remove(f);
        }
    }

    /** Keeps a damaged segment out of the way under {@link #DAMAGED}, for a person to look at. */
    public Path setAside(Path file) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + DAMAGED);
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Up to {@code limit} segment files in the directory, by name, whichever run wrote them: for the start-up
     * recovery, before anything is written.
     */
    public List<Path> segmentFiles(int limit) throws IOException {
        return list("*" + SEGMENT, limit);
    }

    /**
     * Up to {@code limit} files of the spool's first format, one message per file ({@link #LEGACY}, and
     * {@link #LEGACY_TMP} for a write that never finished): a collector of an earlier version that crashed may have
     * left acknowledged messages in them, which the start-up recovery must still give back after an upgrade.
     */
    public List<Path> legacyFiles(int limit) throws IOException {
        return list("*{" + LEGACY + "," + LEGACY_TMP + "}", limit);
    }

    /** Up to {@code limit} files of the directory matching the glob (the first the listing gives), sorted by name. */
    private List<Path> list(String glob, int limit) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            for (Path p : stream) {
                if (files.size() >= limit) {
                    break;
                }
                files.add(p);
            }
        }
        files.sort(null);
        return files;
    }

    /**
     * The entry of a file of the first format: one record as a segment holds it, without the length before it.
     *
     * @throws DamagedException when it is not one whole record (the read is bounded by the largest record)
     */
    public Entry readLegacy(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < MIN_RECORD || size > maxRecord()) {
                throw new DamagedException(file.getFileName() + ": " + size + " bytes is no spool record");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining()) {
                if (ch.read(buf, buf.position()) < 0) {
                    throw new DamagedException(file.getFileName() + ": shrank while read");
                }
            }
            try {
                return decode(buf.array());
            } catch (DamagedException ex) {
                throw new DamagedException(file.getFileName() + ": " + ex.getMessage());
            }
        }
    }

    /** The longest record that can be read: the largest body and six strings of the longest length, and the rest. */
    private long maxRecord() {
        return maxBody + 6L * MAX_STRING + 64;
    }

    /** Reads a segment's entries one by one. */
    public SegmentReader read(Path segment) throws IOException {
        return new SegmentReader(segment, FileChannel.open(segment, StandardOpenOption.READ));
    }

    /** The entries of one segment, in the order written; memory held is one entry. */
    public final class SegmentReader implements Closeable {
        private final Path path;
        private final FileChannel channel;
        private final long size;
        private long position;
        private boolean tornTail;

        private SegmentReader(Path path, FileChannel channel) throws IOException {
            this.path = path;
            this.channel = channel;
            this.size = channel.size();
        }

        /**
         * The next entry, or null at the end of the segment (also when the last entry is torn: see
         * {@link #tornTail()}).
         *
         * @throws DamagedException when an entry that is followed by more bytes is not whole (the entries before it
         *                          were returned)
         */
        public Entry next() throws IOException {
            long left = size - position;
            if (left == 0) {
                return null;
            }
            if (left < 4) {
                return torn();
            }
            int length = readFully(position, 4).getInt();
            if (length < MIN_RECORD || length > maxRecord()) {
                // A crash while the file grew can leave zeros where the data never arrived: a torn tail.
                if (zerosToTheEnd()) {
                    return torn();
                }
                throw damaged("entry length " + length + " out of bounds");
            }
            if (left - 4 < length) {
                return torn();
            }
            byte[] record = readFully(position + 4, length).array();
            Entry e;
            try {
                e = decode(record);
            } catch (DamagedException ex) {
                if (position + 4 + length == size) {
                    return torn(); // the last entry: its write was cut off by a crash, so it was never acknowledged
                }
                throw damaged(ex.getMessage());
            }
            position += 4 + length;
            return e;
        }

        /** Whether the segment ended in an entry that a crash cut off (not acknowledged, ignored). */
        public boolean tornTail() {
            return tornTail;
        }

        private Entry torn() {
            tornTail = true;
            position = size;
            return null;
        }

        private DamagedException damaged(String why) {
            return new DamagedException(path.getFileName() + " at offset " + position + ": " + why);
        }

        private ByteBuffer readFully(long at, int n) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(n);
            while (buf.hasRemaining()) {
                int r = channel.read(buf, at + buf.position());
                if (r < 0) {
                    throw new EOFException(path + " shrank while read");
                }
            }
            return buf.flip();
        }

        private boolean zerosToTheEnd() throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            for (long at = position; at < size; ) {
                buf.clear();
                int r = channel.read(buf, at);
                if (r < 0) {
                    break;
                }
                for (int i = 0; i < r; i++) {
                    if (buf.get(i) != 0) {
                        return false;
                    }
                }
                at += r;
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static byte[] encode(Entry e) throws IOException {
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

    /** One record (its length already bounded by the caller). */
    private Entry decode(byte[] all) throws DamagedException {
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (stored != crc.getValue()) {
            throw new DamagedException("checksum mismatch");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC) || in.readByte() != VERSION) {
                throw new DamagedException("not a spool record of version " + VERSION);
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
                throw new DamagedException("body length " + length + " out of bounds");
            }
            byte[] body = in.readNBytes(length);
            if (in.available() != 0 || sha256 == null || channel == null) {
                throw new DamagedException("malformed record");
            }
            return new Entry(id, sha256, receivedAt, channel, clientIp, helo, from, to, body);
        } catch (DamagedException ex) {
            throw ex;
        } catch (IOException | java.time.DateTimeException ex) {
            throw new DamagedException("malformed record (" + ex + ")");
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

    /** The entry as a segment holds it: the record's length, then the record. */
    private static byte[] frame(Entry e) throws IOException {
        byte[] record = encode(e);
        return ByteBuffer.allocate(4 + record.length).putInt(record.length).put(record).array();
    }

    /** The entry as a segment holds it, for tests that lay out segments as a crash leaves them. */
    public static byte[] bytesOf(Entry e) {
        try {
            return frame(e);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
