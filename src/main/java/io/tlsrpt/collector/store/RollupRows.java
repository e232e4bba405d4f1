package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * Applies the changes in the order {@code order} gives (the same order in every transaction). A row that another transaction inserted between our update and
     * our insert (two instances on one PostgreSQL) is updated instead: the savepoint keeps PostgreSQL's transaction
     * usable after the failed insert.
     *
     * @param countKey what a row counts under (its view mode), for {@code rollup_count}
     * @return rows inserted less rows deleted, per count key
     */
    Map<Object, Long> apply(Connection c, List<R> changes, Comparator<? super R> order, Function<R, Object> countKey)
            throws SQLException {
        Map<Object, Long> created = new HashMap<>();
        if (changes.isEmpty()) {
            return created;
        }
        List<R> rows = new ArrayList<>(changes);
        rows.sort(order);
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
                missing.forEach(row -> created.merge(countKey.apply(row), 1L, Long::sum));
            } catch (SQLException e) {
                if (!Sql.isUniqueViolation(e)) {
                    throw e;
                }
                c.rollback(savepoint);
                for (R row : missing) {
                    if (insertOrUpdate(c, insertValues.apply(row), updateValues.apply(row))) {
                        created.merge(countKey.apply(row), 1L, Long::sum);
                    }
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
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] > 0) {
                        created.merge(countKey.apply(emptied.get(i)), -1L, Long::sum);
                    }
                }
            }
        }
        return created;
    }

    /**
     * Inserts a row, or updates it when another transaction inserted the same key in between; answers whether it
     * inserted.
     */
    private boolean insertOrUpdate(Connection c, Object[] insertValues, Object[] updateValues) throws SQLException {
        var savepoint = c.setSavepoint();
        try {
            ProcessingWriter.exec(c, insert, insertValues);
            c.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(savepoint);
            ProcessingWriter.exec(c, update, updateValues);
            return false;
        }
    }
}
