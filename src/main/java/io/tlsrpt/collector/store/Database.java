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

    /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
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
        } catch (SQLException e) {
            throw new StoreUnavailableException("database: " + e.getMessage(), e);
        }
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
