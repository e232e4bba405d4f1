package io.tlsrpt.collector.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The segment log on its own: group commit (concurrent writers share a force and all are durable), what a reader
 * makes of torn and damaged segments, rotation by size, and a write that fails.
 */
class SpoolTest {
    private static final long MAX_BODY = 1 << 20;

    @TempDir
    Path dir;

    static Spool.Entry entry(long id) {
        byte[] body = ("Subject: entry " + id + "\r\n\r\nbody " + id + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return new Spool.Entry(id, MessageStore.sha256(body), Instant.parse("2025-07-02T01:00:00Z"), "smtp",
                "192.0.2.7", "mx.example", "reports@example.org", "tlsrpt@example.com", body);
    }

    private static List<Long> ids(Spool spool, Path segment) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (Spool.SegmentReader r = spool.read(segment)) {
            for (Spool.Entry e; (e = r.next()) != null; ) {
                ids.add(e.id());
            }
        }
        return ids;
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 6000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void concurrentWritersShareForcesAndAllAreDurable() throws Exception {
        Spool spool = new Spool(dir, MAX_BODY);
        spool.open();
        int writers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        // Hold the segment so that the first writer, the leader, waits in its flush while the others queue behind it.
        spool.segmentLock.lock();
        try {
            done.add(pool.submit(() -> {
                spool.write(entry(1));
                return null;
            }));
            waitFor("the first writer leads and waits for the segment", spool.segmentLock::hasQueuedThreads);
            for (int i = 2; i <= writers; i++) {
                long id = i;
                done.add(pool.submit(() -> {
                    spool.write(entry(id));
                    return null;
                }));
            }
            waitFor("the other writers queued", () -> spool.queued() == writers - 1);
            for (Future<?> f : done) {
                assertTrue(!f.isDone(), "no writer returns before its entry is forced");
            }
        } finally {
            spool.segmentLock.unlock();
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertEquals(writers, spool.writes());
        assertEquals(2, spool.forces(), "the leader's entry, then the " + (writers - 1) + " queued behind it");
        assertEquals(1, spool.segments());

        spool.rotate();
        List<Path> closed = spool.closedSegments(10);
        assertEquals(1, closed.size());
        List<Long> ids = ids(spool, closed.get(0));
        ids.sort(null);
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= writers; i++) {
            expected.add(i);
        }
        assertEquals(expected, ids, "every acknowledged entry is in the segment");
    }

    @Test
    void aTornLastEntryIsIgnored() throws Exception {
        Spool spool = new Spool(dir, MAX_BODY);
        byte[] a = Spool.bytesOf(entry(1));
        byte[] b = Spool.bytesOf(entry(2));
        byte[] badTail = Spool.bytesOf(entry(3));
        badTail[badTail.length - 1] ^= 1; // whole length, wrong CRC: the last page never reached the disk
        List<byte[]> tails = List.of(
                Arrays.copyOf(b, 2), // part of the length
                Arrays.copyOf(b, b.length / 2), // part of the record
                badTail,
                new byte[4096]); // the file grew but the data never arrived: zeros
        int n = 0;
        for (byte[] tail : tails) {
            Path segment = dir.resolve("00000000000000aa-" + (++n) + Spool.SEGMENT);
            Files.write(segment, concat(a, tail));
            try (Spool.SegmentReader r = spool.read(segment)) {
                assertEquals(1, r.next().id());
                assertNull(r.next(), "tail " + n);
                assertTrue(r.tornTail(), "tail " + n);
            }
        }
        Path clean = dir.resolve("00000000000000aa-9" + Spool.SEGMENT);
        Files.write(clean, concat(a, b));
        try (Spool.SegmentReader r = spool.read(clean)) {
            assertEquals(List.of(1L, 2L), List.of(r.next().id(), r.next().id()));
            assertNull(r.next());
            assertTrue(!r.tornTail());
        }
    }

    @Test
    void aDamagedMiddleEntryStopsTheReadAfterTheEntriesBeforeIt() throws Exception {
        Spool spool = new Spool(dir, MAX_BODY);
        byte[] damaged = Spool.bytesOf(entry(2));
        damaged[damaged.length / 2] ^= 1;
        byte[] badLength = Spool.bytesOf(entry(2));
        badLength[0] = 0x7f;
        int n = 0;
        for (byte[] middle : List.of(damaged, badLength)) {
            Path segment = dir.resolve("00000000000000aa-" + (++n) + Spool.SEGMENT);
            Files.write(segment, concat(Spool.bytesOf(entry(1)), middle, Spool.bytesOf(entry(3))));
            try (Spool.SegmentReader r = spool.read(segment)) {
                assertEquals(1, r.next().id());
                assertThrows(Spool.DamagedException.class, r::next);
            }
        }
    }

    @Test
    void aSegmentPastItsSizeIsClosedAndTheNextBatchStartsANewOne() throws Exception {
        Spool spool = new Spool(dir, MAX_BODY, 1);
        spool.open();
        for (long i = 1; i <= 3; i++) {
            spool.write(entry(i));
        }
        assertEquals(3, spool.segments());
        List<Path> closed = spool.closedSegments(10);
        assertEquals(2, closed.size(), "the third is still open");
        assertEquals(List.of(1L), ids(spool, closed.get(0)));
        assertEquals(List.of(2L), ids(spool, closed.get(1)));
        spool.rotate();
        closed = spool.closedSegments(10);
        assertEquals(3, closed.size());
        spool.delete(closed.subList(0, 2));
        assertEquals(List.of(closed.get(2)), spool.closedSegments(10));
        assertEquals(1, spool.segmentFiles(10).size());
    }

    @Test
    void aFailedWriteIsReportedAndTheNextStartsANewSegment() throws Exception {
        Spool spool = new Spool(dir.resolve("spool"), MAX_BODY);
        spool.open();
        spool.write(entry(1));
        spool.rotate();
        Path first = spool.closedSegments(10).get(0);
        spool.delete(List.of(first));
        Files.delete(spool.directory());
        Files.write(spool.directory(), new byte[]{'x'}); // no segment can be created
        assertThrows(IOException.class, () -> spool.write(entry(2)));
        assertThrows(IOException.class, () -> spool.write(entry(3)));
        assertEquals(1, spool.writes());
        Files.delete(spool.directory());
        Files.createDirectory(spool.directory());
        spool.write(entry(4));
        assertEquals(2, spool.writes());
        List<Path> segments = spool.segmentFiles(10);
        assertEquals(1, segments.size());
        assertNotEquals(first.getFileName(), segments.get(0).getFileName());
        assertEquals(List.of(4L), ids(spool, segments.get(0)));
    }

    @Test
    void aLeaderWhoseThreadIsInterruptedStillWritesItsBatchAndKeepsTheInterrupt() throws Exception {
        Spool spool = new Spool(dir, MAX_BODY);
        spool.open();
        spool.write(entry(1));
        Thread.currentThread().interrupt();
        try {
            spool.write(entry(2)); // would close the segment's channel if the flag were set during the flush
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
        spool.write(entry(3));
        assertEquals(3, spool.writes());
        assertEquals(1, spool.segments(), "the segment stayed open: the interrupt did not close its channel");
        spool.rotate();
        assertEquals(List.of(1L, 2L, 3L), ids(spool, spool.closedSegments(10).get(0)));
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsQueued() {
        Spool spool = new Spool(dir, 10);
        assertThrows(IOException.class, () -> spool.write(entry(1)));
        assertEquals(0, spool.writes());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
