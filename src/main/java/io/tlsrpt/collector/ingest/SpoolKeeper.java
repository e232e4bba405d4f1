package io.tlsrpt.collector.ingest;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.config.SpoolSettings;
import io.tlsrpt.collector.store.Database;
import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.Spool;
import io.tlsrpt.collector.store.StoreUnavailableException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the {@link Spool}: the durable copy of every accepted message until the database has it on disk.
 * <ul>
 * <li>{@link #keep}: called by {@link Receiver} after the message row is committed and before the 250; returns once
 * the entry is forced to disk (sharing the force with the entries of concurrent sessions).</li>
 * <li>Start-up recovery, in the constructor, so before any transport accepts and before the first processing sweep
 * (both depend on this bean): every segment left by an earlier run is read entry by entry. An entry whose row is
 * there with the same id and sha256, and its bytes, needs nothing; a row that survived a crash without its bytes
 * (half a transaction, seen with H2) gets them back and is processed again; any other message is stored again (under
 * its own id when that is free on H2, else a new one). A torn last entry (a write a crash cut off) was never
 * acknowledged and is ignored. Once the database has forced the result to disk the segment is deleted, or, when an
 * entry in its middle is damaged, renamed {@code *.damaged} after the entries before the damage were handled.
 * Files of the first format (one message per file, {@code *.msg}), which an earlier version that crashed may have
 * left, are read the same way first, so that an upgrade loses nothing.</li>
 * <li>Clean-up every {@code tlsrpt.spool.cleanup-interval} seconds: the segment being written is closed (so a
 * segment lives about one interval), the database makes everything committed durable ({@link Database#checkpoint()}:
 * {@code CHECKPOINT SYNC} on H2, nothing on PostgreSQL), and the closed segments are deleted: the row of each of
 * their entries was committed before the entry was written, so before the checkpoint began. On H2 the clean-up
 * checkpoints also when no mail came, and then records in {@code spool/checkpointed} the instant before which every
 * processing run had committed ({@link RunsInFlight}).</li>
 * <li>Unclean stop, H2 only: {@code spool/running} is written at start and removed by a clean stop. Found at start,
 * it means a crash, after which H2 may hold part of a transaction (H2 issue #2080); the processing runs from the
 * recorded instant on are processed again ({@link #processAgainAfterUncleanStop}).</li>
 * </ul>
 */
@Singleton
public class SpoolKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolKeeper.class);

    private final Spool spool;
    private final MessageStore messages;
    private final Database db;
    private final SpoolSettings settings;
    private final boolean enabled;
    private final ScheduledExecutorService cleaner;
    private final RunsInFlight runs;
    /** H2 with the spool on: the clean-ups record what they checkpointed, and a start after a crash reads it. */
    private final boolean watchesRuns;

    /** In the spool directory while the collector runs; left there by a crash. */
    static final String RUNNING = "running";
    /** In the spool directory: the instant before which every processing run is in H2's last checkpoint. */
    static final String CHECKPOINTED = "checkpointed";
    /**
     * Taken off the recorded instant: a step of the system clock backwards (NTP) between a checkpoint and a crash
     * would otherwise leave the runs stamped in that step unchecked.
     */
    static final Duration CLOCK_STEP = Duration.ofSeconds(2);

    public SpoolKeeper(@Value("${tlsrpt.data-dir:./data}") String dataDir, SpoolSettings settings,
                       SmtpSettings smtp, MessageStore messages, Database db, RunsInFlight runs) {
        this.spool = new Spool(Path.of(dataDir, "spool"), smtp.maxMessageSize());
        this.messages = messages;
        this.db = db;
        this.settings = settings;
        this.runs = runs;
        this.enabled = decide(settings, db);
        this.watchesRuns = enabled && db.isH2();
        try {
            if (enabled) {
                spool.open();
            }
            recover(); // also when disabled now: segments left by an earlier run are still owed to the database
            if (watchesRuns) {
                processAgainAfterUncleanStop();
                Files.writeString(spool.directory().resolve(RUNNING), Instant.now().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + spool.directory() + " cannot be recovered: " + e.getMessage(),
                    e);
        }
        if (!enabled) {
            cleaner = null;
            if (settings.explicit() == null) {
                LOG.info("spool off (tlsrpt.spool.enabled=auto): the database's commits are durable when they "
                        + "return (PostgreSQL, fsync on, synchronous_commit not off), so the 250 waits for the "
                        + "commit alone");
            } else {
                LOG.warn("tlsrpt.spool.enabled is false: an acknowledged message is durable only once the database "
                        + "has written it{}", db.isH2() ? " (H2 writes in the background: a crash may lose the last "
                        + "ones)" : "");
            }
            return;
        }
        cleaner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tlsrpt-spool-cleanup");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The clean-ups begin once the application has started: a start that fails (bad settings) leaves no clean-up
     * running on a database and a directory that nothing else uses any more.
     */
    @EventListener
    void startCleanups(StartupEvent started) {
        if (cleaner != null) {
            long every = Math.max(1, settings.cleanupInterval());
            cleaner.scheduleWithFixedDelay(this::cleanupQuietly, every, every, TimeUnit.SECONDS);
        }
    }

    /** The spool's directory and files (tests, figures). */
    public Spool spool() {
        return spool;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Whether to write the spool: as set, or with {@code auto} when the database's commits are not durable when they
     * return (H2 always; PostgreSQL with fsync or synchronous_commit off). A PostgreSQL commit that is durable
     * already makes the acknowledged message survive a crash; forcing a copy of it too would only cost time.
     */
    private static boolean decide(SpoolSettings settings, Database db) {
        Boolean explicit = settings.explicit();
        return explicit != null ? explicit : !db.commitsAreDurable();
    }

    /**
     * Writes the message to the spool, durably. Only after this returns may the caller answer 250.
     *
     * @throws IOException when the spool cannot be written (the caller answers 451)
     */
    public void keep(long id, String channel, Envelope envelope, byte[] raw) throws IOException {
        if (!enabled) {
            return;
        }
        spool.write(new Spool.Entry(id, MessageStore.sha256(raw), envelope.receivedAt(), channel,
                envelope.clientIp(), envelope.helo(), envelope.mailFrom(), String.join(", ", envelope.recipients()),
                raw));
    }

    /** What the recovery did, for its log line. */
    private static final class Recovered {
        int present;
        int restored;
        int renumbered;
        int repaired;
        int torn;
        int damaged;
        int segments;
        int legacy;
    }

    /**
     * Files of the spool's first format (one message per file), left by an earlier version that crashed before its
     * clean-up: without this an upgrade would drop the acknowledged messages in them that H2 lost. A complete file is
     * an entry like a segment's; a temporary one is a write that never finished (never acknowledged, deleted); one
     * that cannot be read is set aside. The files are deleted after the checkpoint.
     */
    private void recoverLegacy(List<Path> files, Recovered r) throws IOException {
        boolean sameIds = false;
        List<Path> done = new ArrayList<>();
        for (Path f : files) {
            r.legacy++;
            if (f.getFileName().toString().endsWith(Spool.LEGACY_TMP)) {
                r.torn++;
                done.add(f);
                continue;
            }
            try {
                sameIds |= recover(spool.readLegacy(f), r);
                done.add(f);
            } catch (Spool.DamagedException ex) {
                LOG.error("spool: {} is damaged ({}); set aside as {}", f, ex.getMessage(),
                        spool.setAside(f).getFileName());
                r.damaged++;
            }
        }
        settle(sameIds);
        spool.delete(done);
    }

    /**
     * The start-up recovery; see the class comment. Passes of at most {@code recovery-batch} segments until none is
     * left; each segment is read one entry at a time.
     */
    private void recover() throws IOException {
        Recovered r = new Recovered();
        for (List<Path> files; !(files = spool.legacyFiles(Math.max(1, settings.recoveryBatch()))).isEmpty(); ) {
            recoverLegacy(files, r);
        }
        for (List<Path> segments; !(segments = spool.segmentFiles(Math.max(1, settings.recoveryBatch()))).isEmpty(); ) {
            for (Path segment : segments) {
                recover(segment, r);
            }
        }
        if (r.legacy > 0) {
            LOG.info("spool recovery: {} files of the one-file-per-message format of an earlier version read",
                    r.legacy);
        }
        if (r.segments > 0 || r.legacy > 0) {
            LOG.info("spool recovery: {} segments; {} messages already stored, {} stored again under their id, {} "
                            + "under a new id, {} given back their lost bytes, {} torn last entries ignored (never "
                            + "acknowledged), {} damaged segments set aside",
                    r.segments, r.present, r.restored, r.renumbered, r.repaired, r.torn, r.damaged);
        }
    }

    private void recover(Path segment, Recovered r) throws IOException {
        boolean sameIds = false;
        Spool.DamagedException damage = null;
        try (Spool.SegmentReader reader = spool.read(segment)) {
            for (Spool.Entry e; (e = reader.next()) != null; ) {
                sameIds |= recover(e, r);
            }
            if (reader.tornTail()) {
                r.torn++;
            }
        } catch (Spool.DamagedException ex) {
            damage = ex; // the entries before it are handled; those after it stay in the file set aside
        }
        settle(sameIds);
        if (damage != null) {
            // Forced before it was acknowledged, so damage in the middle is the disk's. Kept for a person.
            LOG.error("spool: {} is damaged ({}); the entries before the damage are recovered, the file is set aside "
                    + "as {}", segment, damage.getMessage(), spool.setAside(segment).getFileName());
            r.damaged++;
        } else {
            spool.delete(List.of(segment));
        }
        r.segments++;
    }

    /**
     * Makes what recovery stored durable before its spool files go: new messages take ids after those restored
     * under their own ({@code sameIds}), and the database is checkpointed.
     */
    private void settle(boolean sameIds) {
        if (sameIds) {
            messages.moveIdsPastExisting();
        }
        db.checkpoint();
    }

    /** Makes the database hold the entry's message; true when it was restored under its own id. */
    private boolean recover(Spool.Entry e, Recovered r) {
        MessageStore.Held held = messages.held(e.id(), e.sha256());
        if (held == MessageStore.Held.INTACT) {
            r.present++;
        } else if (held == MessageStore.Held.BODY_MISSING) {
            LOG.warn("spool: message {} survived the crash without its bytes; put back from the spool", e.id());
            messages.repairBody(e.id(), e.body());
            r.repaired++;
        } else if (db.isH2() && held == MessageStore.Held.ABSENT) {
            messages.restore(e.id(), e.receivedAt(), e.channel(), e.clientIp(), e.helo(), e.envelopeFrom(),
                    e.envelopeTo(), e.body());
            r.restored++;
            return true;
        } else {
            long id = messages.insert(e.receivedAt(), e.channel(), e.clientIp(), e.helo(), e.envelopeFrom(),
                    e.envelopeTo(), e.body());
            LOG.warn("spool: message {} was lost by the database; stored again as message {}", e.id(), id);
            r.renumbered++;
        }
        return false;
    }

    /**
     * Deletes the segments that the database now holds durably: closes the segment being written, checkpoints,
     * deletes the closed segments.
     *
     * @return segments deleted
     * @throws StoreUnavailableException when the checkpoint fails (nothing is deleted then)
     */
    public synchronized int cleanup() throws IOException {
        // Read before the checkpoint: every run stamped earlier has committed, so the checkpoint holds all of it.
        Instant covered = runs.coveredBefore(Instant.now());
        spool.rotate();
        int deleted = 0;
        boolean checkpointed = false;
        // Bounded passes; normally there is one closed segment per interval, more only after size rotations.
        for (int pass = 0; pass < 10; pass++) {
            int batch = Math.max(1, settings.recoveryBatch());
            List<Path> segments = spool.closedSegments(batch);
            if (segments.isEmpty() && (checkpointed || !watchesRuns)) {
                break;
            }
            // With H2 also when no mail came: processing runs since the last one are made whole on disk.
            db.checkpoint();
            checkpointed = true;
            spool.delete(segments);
            deleted += segments.size();
            if (segments.size() < batch) {
                break;
            }
        }
        if (checkpointed && watchesRuns) {
            Path next = spool.directory().resolve(CHECKPOINTED + ".next");
            Files.writeString(next, covered.toString());
            Files.move(next, spool.directory().resolve(CHECKPOINTED), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        return deleted;
    }

    /**
     * Unclean stop (H2 only): H2 writes each table's snapshot on its own while transactions commit (H2 issue #2080),
     * so a kill can leave part of a transaction on disk; CrashSafetyTest met one. The spool covers the messages
     * themselves. The processing runs at risk are those not in the last checkpoint: the ones stamped from the instant
     * that clean-up recorded on. They are processed again (processing replaces whatever a run left, so a whole run
     * comes out the same); without a record (none written yet, or unreadable) every run since the crashed start is.
     */
    private void processAgainAfterUncleanStop() throws IOException {
        Path running = spool.directory().resolve(RUNNING);
        if (!Files.exists(running)) {
            return; // first start, or the last stop was clean
        }
        String from = "H2's last checkpoint";
        Instant since = readInstant(spool.directory().resolve(CHECKPOINTED));
        if (since == null) {
            from = "the start of the run that stopped";
            since = readInstant(running);
        }
        if (since == null) {
            from = "no record readable: every message";
            since = Instant.EPOCH;
        }
        since = since.minus(CLOCK_STEP);
        int again = messages.processAgain(since);
        LOG.warn("unclean stop: {} messages whose processing began at or after {} ({}) are processed again, since H2 "
                + "may have kept only part of those runs", again, since, from);
    }

    private static Instant readInstant(Path file) {
        try {
            return Instant.parse(Files.readString(file).trim());
        } catch (IOException | java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private boolean cleanupQuietly() {
        try {
            cleanup();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("spool clean-up failed, the files stay until the next one: {}", e.toString());
            return false;
        }
    }

    @PreDestroy
    void stop() {
        if (cleaner == null) {
            return;
        }
        cleaner.shutdownNow();
        try {
            cleaner.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean clean = cleanupQuietly(); // a clean stop leaves an empty spool
        if (clean && watchesRuns && runs.idle()) {
            try {
                Files.deleteIfExists(spool.directory().resolve(RUNNING)); // all checkpointed, nothing running
            } catch (IOException e) {
                LOG.warn("spool: {} not removed ({}); the next start processes the last runs again",
                        RUNNING, e.toString());
            }
        }
        if (spool.writes() > 0) {
            LOG.info("spool: {} messages written with {} forces ({} per force), {} segments", spool.writes(),
                    spool.forces(), String.format(java.util.Locale.ROOT, "%.1f",
                            (double) spool.writes() / Math.max(1, spool.forces())), spool.segments());
        }
    }
}
