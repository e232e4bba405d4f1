package io.tlsrpt.collector.store;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Transactions over the configured data source (H2 by default, PostgreSQL where instances share a store). */
@Singleton
public final class Database {
    private final DataSource dataSource;

    public Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Attempts of a transaction that the database aborted as a deadlock or serialization failure. */
    static final int ATTEMPTS = 3;

    /**
     * Runs the work in one transaction: committed when it returns, rolled back when it throws. A transaction that the
     * database aborted to break a deadlock (two instances, or the purge and processing, locking roll-up rows in
     * another order) is run again from the start, at most {@link #ATTEMPTS} times; the work must therefore have no
     * effect outside the connection.
     */
    public <T> T inTransaction(SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work);
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !isTransient(e)) {
                    throw new StoreUnavailableException("database: " + e.getMessage(), e);
                }
            }
        }
    }

    private <T> T once(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Deadlock or serialization failure: 40001 (H2, PostgreSQL), 40P01 (PostgreSQL's deadlock_detected). */
    private static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Runs read-only work on a connection in auto-commit mode. */
    public <T> T read(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("database: " + e.getMessage(), e);
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
