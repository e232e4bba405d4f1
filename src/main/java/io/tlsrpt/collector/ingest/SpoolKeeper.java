package io.tlsrpt.collector.ingest;

import io.micronaut.context.annotation.Value;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the {@link Spool}: the durable copy of every accepted message until the database has it on disk.
 * <ul>
 * <li>{@link #keep}: called by {@link Receiver} after the message row is committed and before the 250.</li>
 * <li>Start-up recovery, in the constructor, so before any transport accepts and before the first processing sweep
 * (both depend on this bean): temporary files (writes that never finished, never acknowledged) are deleted; each
 * complete file whose row is there with the same id and sha256, and its bytes, is deleted; a row that survived a
 * crash without its bytes (half a transaction, seen with H2) gets them back and is processed again; any other
 * message is stored again (under its own id when that is free on H2, else a new one); each file is deleted once the
 * database has forced the result to disk.</li>
 * <li>Clean-up every {@code tlsrpt.spool.cleanup-interval} seconds: the complete files are listed, the database
 * makes everything committed durable ({@link Database#checkpoint()}: {@code CHECKPOINT SYNC} on H2, nothing on
 * PostgreSQL), and the listed files are deleted: each was complete, so its row committed, before the checkpoint
 * began.</li>
 * </ul>
 */
@Singleton
public class SpoolKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolKeeper.class);

    private final Spool spool;
    private final MessageStore messages;
    private final Database db;
    private final SpoolSettings settings;
    private final ScheduledExecutorService cleaner;

    public SpoolKeeper(@Value("${tlsrpt.data-dir:./data}") String dataDir, SpoolSettings settings,
                       SmtpSettings smtp, MessageStore messages, Database db) {
        this.spool = new Spool(Path.of(dataDir, "spool"), smtp.maxMessageSize());
        this.messages = messages;
        this.db = db;
        this.settings = settings;
        try {
            if (settings.enabled()) {
                spool.open();
            }
            recover(); // also when disabled now: files left by an earlier run are still owed to the database
        } catch (IOException e) {
            throw new UncheckedIOException("spool " + spool.directory() + " cannot be recovered: " + e.getMessage(),
                    e);
        }
        if (!settings.enabled()) {
            cleaner = null;
            LOG.warn("tlsrpt.spool.enabled is false: an acknowledged message is durable only once the database has "
                    + "written it{}", db.isH2() ? " (H2 writes in the background: a crash may lose the last ones)" : "");
            return;
        }
        cleaner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tlsrpt-spool-cleanup");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, settings.cleanupInterval());
        cleaner.scheduleWithFixedDelay(this::cleanupQuietly, every, every, TimeUnit.SECONDS);
    }

    /** The spool's directory and files (tests, figures). */
    public Spool spool() {
        return spool;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /**
     * Writes the message to the spool, durably. Only after this returns may the caller answer 250.
     *
     * @throws IOException when the spool cannot be written (the caller answers 451)
     */
    public void keep(long id, String channel, Envelope envelope, byte[] raw) throws IOException {
        if (!settings.enabled()) {
            return;
        }
        spool.write(new Spool.Entry(id, MessageStore.sha256(raw), envelope.receivedAt(), channel,
                envelope.clientIp(), envelope.helo(), envelope.mailFrom(), String.join(", ", envelope.recipients()),
                raw));
    }

    /** The start-up recovery; see the class comment. Passes of at most {@code recovery-batch} files until none is left. */
    private void recover() throws IOException {
        int temporary = 0;
        for (List<Path> t; !(t = spool.temporary(Math.max(1, settings.recoveryBatch()))).isEmpty(); ) {
            spool.delete(t);
            temporary += t.size();
        }
        int present = 0;
        int restored = 0;
        int renumbered = 0;
        int repaired = 0;
        int damaged = 0;
        boolean h2 = db.isH2();
        while (true) {
            List<Path> files = spool.complete(Math.max(1, settings.recoveryBatch()));
            if (files.isEmpty()) {
                break;
            }
            List<Path> handled = new ArrayList<>();
            boolean sameIds = false;
            for (Path file : files) {
                Spool.Entry e;
                try {
                    e = spool.read(file);
                } catch (Spool.DamagedException ex) {
                    // Renamed, so written whole and forced before: damage after that is the disk's. Kept for a person.
                    LOG.error("spool: {} cannot be read ({}); set aside as {}", file, ex.getMessage(),
                            spool.setAside(file).getFileName());
                    damaged++;
                    continue;
                }
                MessageStore.Held held = messages.held(e.id(), e.sha256());
                if (held == MessageStore.Held.INTACT) {
                    present++;
                } else if (held == MessageStore.Held.BODY_MISSING) {
                    LOG.warn("spool: message {} survived the crash without its bytes; put back from the spool", e.id());
                    messages.repairBody(e.id(), e.body());
                    repaired++;
                } else if (h2 && held == MessageStore.Held.ABSENT) {
                    messages.restore(e.id(), e.receivedAt(), e.channel(), e.clientIp(), e.helo(), e.envelopeFrom(),
                            e.envelopeTo(), e.body());
                    sameIds = true;
                    restored++;
                } else {
                    long id = messages.insert(e.receivedAt(), e.channel(), e.clientIp(), e.helo(), e.envelopeFrom(),
                            e.envelopeTo(), e.body());
                    LOG.warn("spool: message {} was lost by the database; stored again as message {}", e.id(), id);
                    renumbered++;
                }
                handled.add(file);
            }
            if (sameIds) {
                messages.moveIdsPastExisting();
            }
            db.checkpoint();
            spool.delete(handled);
        }
        if (temporary > 0 || present + restored + renumbered + repaired + damaged > 0) {
            LOG.info("spool recovery: {} unfinished writes deleted; {} messages already stored, {} stored again under "
                            + "their id, {} under a new id, {} given back their lost bytes, {} damaged files set aside",
                    temporary, present, restored, renumbered, repaired, damaged);
        }
    }

    /**
     * Deletes the files that the database now holds durably: lists complete files, checkpoints, deletes them.
     *
     * @return files deleted
     * @throws StoreUnavailableException when the checkpoint fails (nothing is deleted then)
     */
    public int cleanup() throws IOException {
        int deleted = 0;
        // Bounded passes: what arrives during one is left to the next clean-up.
        for (int pass = 0; pass < 10; pass++) {
            int batch = Math.max(1, settings.recoveryBatch());
            List<Path> files = spool.complete(batch);
            if (files.isEmpty()) {
                break;
            }
            db.checkpoint();
            spool.delete(files);
            deleted += files.size();
            if (files.size() < batch) {
                break;
            }
        }
        return deleted;
    }

    private void cleanupQuietly() {
        try {
            cleanup();
        } catch (IOException | RuntimeException e) {
            LOG.warn("spool clean-up failed, the files stay until the next one: {}", e.toString());
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
        cleanupQuietly(); // a clean stop leaves an empty spool
        if (spool.writes() > 0) {
            LOG.info("spool: {} messages written with {} directory fsyncs", spool.writes(), spool.directorySyncs());
        }
    }
}
