package io.tlsrpt.collector.store;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The settled days of the dashboard's default period and their sums (schema V13): from the period's first day to
 * the day before yesterday (UTC); and the reporters' failure groups summed over every day up to that day (V14). A
 * report covers one UTC day and is sent after that day ends (RFC 8460 §4.1), so yesterday's reports arrive today and
 * the days before that change only by late reports. The lists read these sums ranked and add the few rows of the
 * days after them, or subtract those of the days outside a period ({@link CorrectedSumsQueries}).
 *
 * <p>Built again from the day roll-ups when the day changes ({@link #refresh}); changed by processing for the
 * contributions of settled days ({@code Rollups.Delta}). The two never overlap: every transaction that changes the
 * roll-ups holds the {@link Lock} shared until it ends, a rebuild holds it exclusively. So a rebuild either sees a
 * transaction's day rows committed (and sums them) or the transaction, run after it, sees the new bounds (and adds
 * its contribution itself).
 */
@Singleton
public final class SettledWindow {
    /** The settled days, both ends included. */
    record Bounds(LocalDate firstDay, LocalDate lastDay) {
        boolean contains(LocalDate day) {
            return !day.isBefore(firstDay) && !day.isAfter(lastDay);
        }

        /** Whether the day is settled: in the reporters' sums over every settled day (V14). */
        boolean settles(LocalDate day) {
            return !day.isAfter(lastDay);
        }
    }

    /**
     * The most days by which the reporters' sums are moved on by adding days; further (the collector was stopped
     * for weeks), or backwards (the clock was set back), they are built again.
     */
    static final int MOST_DAYS_ADDED = 7;

    /** How long a rebuild waits for the transactions that change roll-ups; it tries again at the next refresh. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);

    private final Database db;

    public SettledWindow(Database db) {
        this.db = db;
    }

    /** The settled days of the default period that ends on {@code today}: empty while it has none. */
    static Optional<Bounds> wanted(LocalDate today) {
        Period period = Period.lastDays(today, Period.DEFAULT_DAYS);
        LocalDate last = today.minusDays(2);
        return last.isBefore(period.from()) ? Optional.empty() : Optional.of(new Bounds(period.from(), last));
    }

    /**
     * Builds the sums for the default period ending on {@code today}, unless they are there already (another
     * instance built them). Answers whether it built them; false also when the lock was not free within
     * {@link #LOCK_WAIT}.
     */
    public boolean refresh(LocalDate today) {
        Optional<Bounds> wanted = wanted(today);
        if (wanted.isEmpty() || db.read(SettledWindow::bounds).equals(wanted)) {
            return false;
        }
        return db.inTransaction(c -> {
            if (!Lock.exclusive(c)) {
                return false;
            }
            Optional<Bounds> before = bounds(c);
            if (before.equals(wanted)) {
                return false;
            }
            rebuild(c, wanted.get());
            moveReporterSums(c, before, wanted.get());
            return true;
        });
    }

    /** The settled days the sums are for, if built. */
    static Optional<Bounds> bounds(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT first_day, last_day FROM settled_window WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Bounds(Sql.date(rs, "first_day"), Sql.date(rs, "last_day")))
                    : Optional.empty();
        }
    }

    /**
     * The bounds for a transaction that changes roll-ups: takes the lock shared first (held until the transaction
     * ends), so that they stay the bounds until then.
     */
    static Optional<Bounds> boundsForWriting(Connection c) throws SQLException {
        Lock.shared(c);
        return bounds(c);
    }

    /** Replaces the sums with those of {@code b}, from failure_group_day and daily_domain. */
    private static void rebuild(Connection c, Bounds b) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM failure_group_settled");
            st.executeUpdate("DELETE FROM domain_settled");
            st.executeUpdate("DELETE FROM settled_window");
        }
        for (int mode = 0; mode < 4; mode++) {
            Object[] args = {mode, b.firstDay(), b.lastDay(), (mode & 1) != 0, (mode & 2) != 0};
            ProcessingWriter.exec(c, "INSERT INTO failure_group_settled (view_mode, group_id, sessions, details, "
                    + "first_day, last_day) SELECT ?, d.group_id, SUM(d.sessions), SUM(d.details), MIN(d.utc_day), "
                    + "MAX(d.utc_day) FROM failure_group_day d WHERE d.utc_day BETWEEN ? AND ?" + Rollups.MODE_CONDITION
                    + " GROUP BY d.group_id", args);
            ProcessingWriter.exec(c, "INSERT INTO domain_settled (view_mode, domain, reports, successful, failed, "
                    + "last_day) SELECT ?, d.domain, SUM(d.reports), SUM(d.successful), SUM(d.failed), MAX(d.utc_day) "
                    + "FROM daily_domain d WHERE d.utc_day BETWEEN ? AND ?" + Rollups.MODE_CONDITION
                    + " GROUP BY d.domain", args);
        }
        ProcessingWriter.exec(c, "INSERT INTO settled_window (id, first_day, last_day, built_at) VALUES (1, ?, ?, ?)",
                b.firstDay(), b.lastDay(), OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
    }

    /**
     * Makes failure_group_reporter_settled (V14) the sums of every day up to the new last day: adds the days that
     * became settled since {@code before}, or builds them again from all the reporters' days.
     */
    private static void moveReporterSums(Connection c, Optional<Bounds> before, Bounds b) throws SQLException {
        if (before.isPresent() && !b.lastDay().isBefore(before.get().lastDay())
                && !b.lastDay().isAfter(before.get().lastDay().plusDays(MOST_DAYS_ADDED))) {
            if (b.lastDay().isAfter(before.get().lastDay())) {
                Rollups.addReporterDays(c, before.get().lastDay().plusDays(1), b.lastDay());
            }
            return;
        }
        ProcessingWriter.exec(c, "DELETE FROM failure_group_reporter_settled");
        for (int mode = 0; mode < 4; mode++) {
            ProcessingWriter.exec(c, "INSERT INTO failure_group_reporter_settled (view_mode, organization_key, "
                    + "group_id, sessions, details, first_day, last_day) SELECT ?, d.organization_key, d.group_id, "
                    + "SUM(d.sessions), SUM(d.details), MIN(d.utc_day), MAX(d.utc_day) FROM failure_group_reporter_day d "
                    + "WHERE d.utc_day <= ?" + Rollups.MODE_CONDITION + " GROUP BY d.organization_key, d.group_id",
                    mode, b.lastDay(), (mode & 1) != 0, (mode & 2) != 0);
        }
    }

    /**
     * Keeps a rebuild apart from the transactions that change roll-ups. On PostgreSQL an advisory lock of the
     * transaction (several instances share the store; released by the commit or rollback); on H2, whose file only
     * this process opens, a lock of the JVM, released by {@link Database} when the transaction ends.
     */
    static final class Lock {
        /** The advisory lock's key: "tlsrptsw" in ASCII. */
        static final long KEY = 0x746c737270747377L;
        private static final ReentrantReadWriteLock H2 = new ReentrantReadWriteLock();

        private Lock() {
        }

        static void shared(Connection c) throws SQLException {
            if (Sql.isH2(c)) {
                if (H2.getReadHoldCount() == 0 && !H2.isWriteLockedByCurrentThread()) {
                    H2.readLock().lock();
                }
                return;
            }
            select(c, "SELECT pg_advisory_xact_lock_shared(?)");
        }

        /** Takes the lock exclusively, waiting at most {@link #LOCK_WAIT}; false if it did not get it. */
        static boolean exclusive(Connection c) throws SQLException {
            if (Sql.isH2(c)) {
                try {
                    return H2.isWriteLockedByCurrentThread()
                            || H2.writeLock().tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            // Queued like any lock request: the transactions that ask for it shared after this wait behind it, so it
            // is not starved by processing that never pauses; those already holding it are short.
            var savepoint = c.setSavepoint();
            try {
                ProcessingWriter.exec(c, "SET LOCAL lock_timeout = '" + LOCK_WAIT.toMillis() + "ms'");
                select(c, "SELECT pg_advisory_xact_lock(?)");
                ProcessingWriter.exec(c, "SET LOCAL lock_timeout = DEFAULT");
                c.releaseSavepoint(savepoint);
                return true;
            } catch (SQLException e) {
                if (!"55P03".equals(e.getSQLState())) { // lock_not_available: the time-out
                    throw e;
                }
                c.rollback(savepoint);
                return false;
            }
        }

        /** What this thread holds of the H2 lock (shared and exclusive holds), to give back to it later. */
        static int[] held() {
            return new int[]{H2.getReadHoldCount(), H2.getWriteHoldCount()};
        }

        /**
         * Releases what this thread took of the H2 lock since {@code before} ({@link #held}): called by
         * {@link Database} when a transaction ends (a transaction run inside another keeps the outer one's).
         */
        static void releaseSince(int[] before) {
            while (H2.getReadHoldCount() > before[0]) {
                H2.readLock().unlock();
            }
            while (H2.getWriteHoldCount() > before[1]) {
                H2.writeLock().unlock();
            }
        }

        /** Runs a lock function (which answers a row, so not through executeUpdate). */
        private static void select(Connection c, String sql) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Sql.bind(ps, KEY);
                ps.executeQuery().close();
            }
        }
    }
}
