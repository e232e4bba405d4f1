package io.tlsrpt.collector.store;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes what is older than the retention settings ({@code tlsrpt.retention.*}), in bounded batches, each its own
 * transaction, so that neither the purge's memory nor the time it holds locks grows with the store. Safe to run on
 * several instances at once: each batch re-reads what it deletes under the message's lock, and every delete is
 * idempotent.
 */
@Singleton
public final class RetentionStore {
    /** Reports per transaction, and failure details after which a transaction stops taking more reports. */
    static final int REPORT_BATCH = 100;
    static final int DETAIL_BATCH = 10_000;
    /** Rows of the other tables per transaction. */
    static final int ROW_BATCH = 1000;

    private final Database db;

    public RetentionStore(Database db) {
        this.db = db;
    }

    /** What one purge deleted. */
    public record Purged(long reports, long duplicates, long quarantineEntries, long rawBodies, long messages) {
        public Purged plus(Purged o) {
            return new Purged(reports + o.reports, duplicates + o.duplicates,
                    quarantineEntries + o.quarantineEntries, rawBodies + o.rawBodies, messages + o.messages);
        }

        public boolean isEmpty() {
            return reports + duplicates + quarantineEntries + rawBodies + messages == 0;
        }
    }

    public static final Purged NOTHING = new Purged(0, 0, 0, 0, 0);

    /**
     * Deletes the reports whose UTC day is before {@code before}, with their policies, failure details and later
     * arrivals (duplicates), and subtracts what they contributed to the daily roll-ups in the same transaction, so
     * that the roll-ups keep equalling the figures computed from the rows that are left (DESIGN.md).
     */
    public Purged purgeReports(LocalDate before) {
        long reports = 0;
        long duplicates = 0;
        while (true) {
            List<long[]> batch = db.read(c -> {
                List<long[]> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, message_id FROM report WHERE utc_day < ? "
                        + "ORDER BY utc_day, id FETCH FIRST " + REPORT_BATCH + " ROWS ONLY")) {
                    Sql.bind(ps, before);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(new long[]{rs.getLong(1), rs.getLong(2)});
                        }
                    }
                }
                return ids;
            });
            if (batch.isEmpty()) {
                return new Purged(reports, duplicates, 0, 0, 0);
            }
            // Each report of the batch is deleted, or was deleted meanwhile: the next look-up finds the rest.
            long[] done = db.inTransaction(c -> deleteReports(c, batch));
            reports += done[0];
            duplicates += done[1];
        }
    }

    /** @return reports deleted, duplicates deleted */
    private static long[] deleteReports(Connection c, List<long[]> batch) throws SQLException {
        long reports = 0;
        long duplicates = 0;
        long details = 0;
        // The contributions of the batch's reports, summed by SQL from their rows and subtracted once per roll-up row.
        Rollups.Delta delta = new Rollups.Delta();
        for (long[] ids : batch) {
            if (details >= DETAIL_BATCH) {
                break; // the rest in the next transaction
            }
            long reportId = ids[0];
            // The same lock as processing takes (ProcessingWriter.replace): a reprocess of the message and this
            // purge never both subtract the report's contributions.
            ProcessingWriter.lockMessage(c, ids[1]);
            if (!exists(c, reportId)) {
                continue; // purged by another instance, or replaced by a reprocess (under a new id) meanwhile
            }
            delta.subtractStored(c, "r.id = ?", reportId);
            duplicates += ProcessingWriter.exec(c, "DELETE FROM report_duplicate WHERE report_key = "
                    + "(SELECT report_key FROM report WHERE id = ?)", reportId);
            long[] deleted = ProcessingWriter.deleteReports(c, "?", "id = ?", reportId);
            details += deleted[0];
            reports += deleted[1];
        }
        delta.apply(c);
        return new long[]{reports, duplicates};
    }

    private static boolean exists(Connection c, long reportId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM report WHERE id = ?")) {
            Sql.bind(ps, reportId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Deletes quarantine entries created before {@code before}. */
    public Purged purgeQuarantine(Instant before) {
        long deleted = 0;
        int n;
        do {
            n = db.inTransaction(c -> ProcessingWriter.exec(c, "DELETE FROM quarantine WHERE id IN (SELECT id "
                    + "FROM quarantine WHERE created_at < ? ORDER BY created_at, id FETCH FIRST " + ROW_BATCH
                    + " ROWS ONLY)", before));
            deleted += n;
        } while (n > 0);
        return new Purged(0, 0, deleted, 0, 0);
    }

    /**
     * Deletes the raw bytes of processed and quarantined messages received before {@code before}; a message not
     * processed yet keeps them. The message row stays: its pages say that the raw copy was purged.
     */
    public Purged purgeRaw(Instant before) {
        long deleted = 0;
        long after = 0;
        while (true) {
            long last = lastOfRange(after, before);
            if (last < 0) {
                return new Purged(0, 0, 0, deleted, 0);
            }
            long from = after;
            deleted += db.inTransaction(c -> ProcessingWriter.exec(c, "DELETE FROM message_body WHERE message_id "
                            + "IN (SELECT id FROM message WHERE id > ? AND id <= ? AND received_at < ? "
                            + "AND state IN (?, ?))", from, last, before, MessageStore.PROCESSED,
                    MessageStore.QUARANTINED));
            after = last;
        }
    }

    /**
     * Deletes the rows of messages received before {@code before} of which nothing is left: no report, duplicate,
     * quarantine entry or raw copy (with raw-days 0 the raw copy is kept, and so is the row).
     */
    public Purged purgeEmptyMessages(Instant before) {
        long deleted = 0;
        long after = 0;
        while (true) {
            long last = lastOfRange(after, before);
            if (last < 0) {
                return new Purged(0, 0, 0, 0, deleted);
            }
            long from = after;
            deleted += db.inTransaction(c -> ProcessingWriter.exec(c, "DELETE FROM message WHERE id > ? AND id <= ? "
                            + "AND received_at < ? AND state <> ? "
                            + "AND NOT EXISTS (SELECT 1 FROM message_body b WHERE b.message_id = message.id) "
                            + "AND NOT EXISTS (SELECT 1 FROM report r WHERE r.message_id = message.id) "
                            + "AND NOT EXISTS (SELECT 1 FROM report_duplicate d WHERE d.message_id = message.id) "
                            + "AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.message_id = message.id)",
                    from, last, before, MessageStore.RECEIVED));
            after = last;
        }
    }

    /** The id that ends the next range of at most ROW_BATCH messages received before {@code before}; -1: none. */
    private long lastOfRange(long after, Instant before) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM (SELECT id FROM message WHERE id > ? "
                    + "AND received_at < ? ORDER BY id FETCH FIRST " + ROW_BATCH + " ROWS ONLY) x")) {
                Sql.bind(ps, after, before);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long last = rs.getLong(1);
                    return rs.wasNull() ? -1L : last;
                }
            }
        });
    }
}
