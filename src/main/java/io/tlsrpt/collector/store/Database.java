package io.tlsrpt.collector.store;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Transactions over the configured data source (H2 by default, PostgreSQL where instances share a store). */
@Singleton
public final class Database {
    private final DataSource dataSource;
    private final H2IndexRepair indexRepair;

    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
        this.indexRepair = new H2IndexRepair(dataSource);
    }

    /** Attempts of a transaction that the database aborted as a deadlock, serialization failure or update conflict. */
    static final int ATTEMPTS = 5;

    /** Runs of one call's work after an index was rebuilt, at most (each one another index: see H2IndexRepair). */
    static final int REPAIRS = 3;

    /**
     * Runs the work in one transaction: committed when it returns, rolled back when it throws. A transaction that the
     * database aborted to break a deadlock (two instances, or the purge and processing, locking roll-up rows in
     * another order), or that met another transaction's update of the same row (see {@link #isRetryable}), is run
     * again from the start after a pause of a few milliseconds, at most {@link #ATTEMPTS} times; the work must
     * therefore have no effect outside the connection.
     *
     * <p>On H2, work that met an index out of step with its table is run again once the index is rebuilt (see
     * {@link #brokenH2Index}); when it cannot be rebuilt the failure is thrown at once, without the retries above.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        int attempt = 1;
        int repairs = 0;
        while (true) {
            long started = System.nanoTime();
            try {
                return once(work);
            } catch (SQLException e) {
                Optional<H2IndexRepair.IndexError> broken = brokenH2Index(e);
                if (broken.isPresent()) {
                    if (repairs++ < REPAIRS && indexRepair.repair(broken.get(), started)) {
                        continue;
                    }
                    throw brokenIndex(broken.get(), e);
                }
                if (attempt >= ATTEMPTS || !isRetryable(e)) {
                    throw new StoreUnavailableException("database: " + e.getMessage(), e);
                }
                pause(attempt++);
            }
        }
    }

    /**
     * The H2 index that the failure says is out of step with its table, if any; never on PostgreSQL. H2 can come back
     * from a SIGKILL with a secondary index that misses a row of its table or holds one the table lost (H2 issues
     * #995, #1043). Seen in CI: a message row was there but its entry in {@code message_sha256} was not, and every
     * UPDATE of the row failed with 90112 "Row not found when trying to delete from index"; the spool's recovery of
     * that message ({@code MessageStore.repairBody}) failed with it, so the restarted collector refused to start,
     * and the same error would have failed every later write to the row for good. Rebuilding the index (what the
     * H2 issues advise) makes it whole again; the work that met it, rolled back, then runs again, and the spool's
     * recovery and processing go on as after any crash. H2 first repeats the statement itself until its lock
     * time-out, then reports a lock time-out (HYT00) caused by the index error: that is why the index error is
     * looked for before the retry rules, which would repeat the work in vain.
     */
    private Optional<H2IndexRepair.IndexError> brokenH2Index(SQLException e) {
        Optional<H2IndexRepair.IndexError> broken = H2IndexRepair.find(e);
        return broken.isPresent() && isH2() ? broken : Optional.empty();
    }

    /** The failure, named for what it is: H2 reports the index error as the cause of a lock time-out. */
    private static StoreUnavailableException brokenIndex(H2IndexRepair.IndexError broken, SQLException e) {
        return new StoreUnavailableException("database: H2 index " + broken.index() + " out of step with its table "
                + "(error " + broken.code() + ", see the log): " + e.getMessage(), e);
    }

    /** A few random milliseconds, more with each attempt, so that two conflicting workers fall out of step. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 1 + 4 * attempt));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What {@link #isTransient} names, and a unique violation: H2 (MVStore) reports one (23505 on the primary key)
     * when two transactions UPDATE the same row, as two processing workers do with the roll-up row of one domain and
     * day, instead of applying the second update after the first commits. Run again, the transaction sees the first
     * one's row and succeeds; a unique violation that is real fails the same way each time and is then reported.
     */
    private static boolean isRetryable(SQLException e) {
        if (isTransient(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private <T> T once(SqlWork<T> work) throws SQLException {
        int[] held = SettledWindow.Lock.held();
        try {
            return onceOnConnection(work);
        } finally {
            SettledWindow.Lock.releaseSince(held); // after the commit or rollback: see SettledWindow
        }
    }

    private <T> T onceOnConnection(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    // A broken connection (the pool closes it on a class 08 error) cannot roll back; the work's own
                    // error is the one that tells what happened and whether to try again.
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    /**
     * Worth running the transaction again at once: deadlock or serialization failure (40001 on H2 and PostgreSQL,
     * 40P01 PostgreSQL's deadlock_detected, 90131 H2's concurrent update) and lock time-outs (HYT00 on H2, 55P03
     * PostgreSQL's lock_not_available).
     */
    private static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && RETRY_NOW.contains(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.Set<String> RETRY_NOW = java.util.Set.of("40001", "40P01", "90131", "HYT00",
            "55P03");

    /**
     * True when the failure is the database's state, not the work's: it may well succeed later, unchanged. Connection
     * failures (SQLState class 08, and JDBC's transient and recoverable exceptions, such as the pool's time-out),
     * the database closed, shutting down, I/O errors, out of memory, or locked by another process (H2 error codes
     * 90098, 90121, 90028, 90031, 90108, 90020, 90135), PostgreSQL's insufficient resources (class 53) and
     * operator intervention (57P01-57P05, 57014 query cancelled), and what {@link #inTransaction} retries
     * (deadlocks, serialization failures, lock time-outs) when the retries ran out. Anything else, notably data
     * exceptions (class 22), constraint violations (23) and syntax or access errors (42), will fail again the same
     * way for the same work.
     */
    public static boolean isTransientFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                        || RETRY_NOW.contains(state) || H2_UNAVAILABLE.contains(state)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * H2 error codes (its SQLState is the code) of a database that cannot work right now: 90098 database closed,
     * 90121 called at shut-down, 90028 and 90031 I/O errors (a full disk among them), 90108 out of memory, 90020 file
     * in use by another process, 90135 exclusive mode.
     */
    private static final java.util.Set<String> H2_UNAVAILABLE = java.util.Set.of("90098", "90121", "90028", "90031",
            "90108", "90020", "90135");

    private volatile Boolean h2;

    /** True on H2, whose commits reach the disk in the background (see {@link #checkpoint()}). */
    public boolean isH2() {
        Boolean known = h2;
        if (known == null) {
            known = read(c -> c.getMetaData().getDatabaseProductName().toUpperCase(java.util.Locale.ROOT)
                    .contains("H2"));
            h2 = known;
        }
        return known;
    }

    /**
     * Whether a commit is on disk when it returns, as this database is configured: never on H2 (it writes in the
     * background); on PostgreSQL when {@code fsync} is on and {@code synchronous_commit} is not {@code off} (its
     * default is on; with off, or fsync off, a crash of the server may lose the last commits). Read from the
     * settings of a session of the pool, so a per-connection setting in the JDBC URL counts.
     */
    public boolean commitsAreDurable() {
        if (isH2()) {
            return false;
        }
        return read(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                return "on".equalsIgnoreCase(show(st, "fsync")) && !"off".equalsIgnoreCase(show(st,
                        "synchronous_commit"));
            }
        });
    }

    private static String show(java.sql.Statement st, String setting) throws SQLException {
        try (java.sql.ResultSet rs = st.executeQuery("SHOW " + setting)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /**
     * Makes everything committed so far durable on disk. H2 writes commits in the background and never fsyncs on
     * commit: {@code CHECKPOINT SYNC} writes and forces the store (H2 2.x). PostgreSQL's commits are durable when
     * they return (its default synchronous_commit), so there is nothing to do (its CHECKPOINT needs a superuser).
     *
     * @throws StoreUnavailableException when the database cannot do it
     */
    public void checkpoint() {
        if (!isH2()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new StoreUnavailableException("database: " + e.getMessage(), e);
        }
    }

    /**
     * Runs read-only work on a connection in auto-commit mode. On H2, work that met an index out of step with its
     * table is run again once the index is rebuilt (see {@link #brokenH2Index}), so the work, like that of
     * {@link #inTransaction}, must have no effect outside the connection.
     */
    public <T> T read(SqlWork<T> work) {
        for (int repairs = 0; ; repairs++) {
            long started = System.nanoTime();
            try (Connection c = dataSource.getConnection()) {
                c.setReadOnly(true);
                return work.run(c);
            } catch (SQLException e) {
                Optional<H2IndexRepair.IndexError> broken = brokenH2Index(e);
                if (broken.isEmpty()) {
                    throw new StoreUnavailableException("database: " + e.getMessage(), e);
                }
                if (repairs >= REPAIRS || !indexRepair.repair(broken.get(), started)) {
                    throw brokenIndex(broken.get(), e);
                }
            }
        }
    }

    /** True when a trivial query answers. */
    public boolean isUp() {
        try {
            return read(c -> c.createStatement().executeQuery("SELECT 1").next());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
