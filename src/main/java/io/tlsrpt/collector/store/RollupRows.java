package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Changes the rows of one roll-up table by summed amounts, with JDBC batches: every row is updated; those not there
 * yet that the change creates (a positive count) are inserted; those the change empties are deleted. Rows are
 * changed in the order of their sort keys, so that two transactions that change the same rows (two instances, two
 * workers, processing and the retention purge) lock them in the same order and do not deadlock.
 *
 * @param <R> one changed row: its key columns and its summed amounts
 */
record RollupRows<R>(String update, Function<R, Object[]> updateValues, Predicate<R> creates,
                     String insert, Function<R, Object[]> insertValues,
                     Predicate<R> mayEmpty, String delete, Function<R, Object[]> deleteValues) {

    /** Batch size of roll-up statements. */
    private static final int BATCH = 500;

    /**
     * Applies the changes, sorted by {@code sortKey}. A row that another transaction inserted between our update and
     * our insert (two instances on one PostgreSQL) is updated instead: the savepoint keeps PostgreSQL's transaction
     * usable after the failed insert.
     */
    void apply(Connection c, List<R> changes, Function<R, String> sortKey) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        List<R> rows = new ArrayList<>(changes);
        rows.sort(Comparator.comparing(sortKey));
        List<R> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(update)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<R> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
                for (R e : chunk) {
                    Sql.bind(ps, updateValues.apply(e));
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 0 && creates.test(chunk.get(i))) {
                        missing.add(chunk.get(i));
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            var savepoint = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (R e : missing) {
                    Sql.bind(ps, insertValues.apply(e));
                    ps.addBatch();
                }
                ps.executeBatch();
                c.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                if (!Sql.isUniqueViolation(e)) {
                    throw e;
                }
                c.rollback(savepoint);
                for (R row : missing) {
                    insertOrUpdate(c, insertValues.apply(row), updateValues.apply(row));
                }
            }
        }
        List<R> emptied = rows.stream().filter(mayEmpty).toList();
        if (!emptied.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(delete)) {
                for (R e : emptied) {
                    Sql.bind(ps, deleteValues.apply(e));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /** Inserts a row, or updates it when another transaction inserted the same key in between. */
    private void insertOrUpdate(Connection c, Object[] insertValues, Object[] updateValues) throws SQLException {
        var savepoint = c.setSavepoint();
        try {
            execute(c, insert, insertValues);
            c.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(savepoint);
            execute(c, update, updateValues);
        }
    }

    private static void execute(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, values);
            ps.executeUpdate();
        }
    }
}
