package io.tlsrpt.collector.store;

import org.h2.api.ErrorCode;
import org.h2.jdbc.JdbcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Rebuilds an H2 index that a kill left out of step with its table (H2 issues #995 and #1043): after a SIGKILL in CI
 * a message row was there but its entry in {@code message_sha256} was not, and every UPDATE of that row failed with
 * 90112 "Row not found when trying to delete from index", so the collector could not start. Dropping the index and
 * creating it again from the table is H2's own fix. Two errors say an index is out of step: 90112 names the secondary
 * index that misses an entry; 90143 ("Row not found in primary index") says an entry of some secondary index points
 * to a row the table does not have, and names only the table's primary index, so every secondary index of that table
 * is rebuilt. Only indexes made by CREATE INDEX are rebuilt: one that backs a constraint (primary key, unique, foreign
 * key) cannot be dropped alone, and an ERROR says what a person has to do.
 */
final class H2IndexRepair {
    private static final Logger LOG = LoggerFactory.getLogger(H2IndexRepair.class);

    /**
     * An index is rebuilt at most once in this time: a second failure after a rebuild means the rebuild did not help
     * (the broken entry is elsewhere), and rebuilding again would only loop.
     */
    static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** The row key H2 appends to the index name in 90112 ("PUBLIC.MESSAGE_SHA256: 45"). */
    private static final Pattern ROW_KEY = Pattern.compile(":\\s*-?\\d+$");

    /** H2 names a table's primary index (its rows) after the table; see {@link #tableOf}. */
    private static final Pattern PRIMARY_SUFFIX = Pattern.compile("_DATA$");
    /** The temporary name of a table that ALTER TABLE copied (H2's Database.getTempTableName). */
    private static final Pattern COPY_SUFFIX = Pattern.compile("(_COPY_\\d+_\\d+)+$");

    private final DataSource dataSource;
    /** When each index was last rebuilt (System.nanoTime, taken before the DROP), so that it is not rebuilt again. */
    private final Map<Name, Long> rebuiltAt = new HashMap<>();
    /** When the ERROR about an index that cannot be repaired was last logged: once a minute, not once a write. */
    private final Map<Name, Long> reportedAt = new HashMap<>();

    H2IndexRepair(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A schema object's name as H2 stores it (case kept); schema null when the message named none. */
    record Name(String schema, String name) {
        String sql() {
            return schema == null ? quote(name) : quote(schema) + "." + quote(name);
        }

        @Override
        public String toString() {
            return schema == null ? name : schema + "." + name;
        }
    }

    /** One of H2's index errors: its code and the index it names. */
    record IndexError(int code, Name index) {
    }

    /** A column of an index, as INFORMATION_SCHEMA.INDEX_COLUMNS describes it. */
    record Column(String name, String ordering, String nullOrdering) {
        String sql() {
            return quote(name) + " " + ordering + (nullOrdering == null ? "" : " NULLS " + nullOrdering);
        }
    }

    /** An index as INFORMATION_SCHEMA describes it; constraint is the constraint it backs, if any. */
    record Definition(Name index, Name table, String type, String nullsDistinct, boolean generated, String constraint,
                      String remarks, List<Column> columns) {
        /** Made by CREATE [UNIQUE] [HASH] INDEX and backing no constraint: DROP INDEX and CREATE INDEX give it back. */
        boolean rebuildable() {
            return constraint == null && !generated && !columns.isEmpty()
                    && List.of("INDEX", "UNIQUE INDEX", "HASH INDEX", "UNIQUE HASH INDEX").contains(type);
        }

        /** The CREATE INDEX that makes it again, as H2's SCRIPT writes it (null ordering and NULLS DISTINCT too). */
        String createSql() {
            boolean unique = type.startsWith("UNIQUE");
            String distinct = !unique || nullsDistinct == null ? ""
                    : switch (nullsDistinct) {
                        case "NO" -> "NULLS NOT DISTINCT ";
                        case "ALL" -> "NULLS ALL DISTINCT ";
                        default -> "NULLS DISTINCT ";
                    };
            List<String> cols = columns.stream().map(Column::sql).toList();
            return "CREATE " + (unique ? "UNIQUE " + distinct : "") + (type.contains("HASH") ? "HASH " : "")
                    + "INDEX " + index.sql() + " ON " + table.sql() + " (" + String.join(", ", cols) + ")";
        }
    }

    /**
     * The index error of H2 in the chain of causes, if any. H2 retries a statement that meets one until its lock
     * time-out and then throws a lock time-out (HYT00) whose cause is the index error, so the whole chain is read.
     * Only H2's own exceptions count: this is never about PostgreSQL.
     */
    static Optional<IndexError> find(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 32; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && t instanceof JdbcException h2
                    && (s.getErrorCode() == ErrorCode.ROW_NOT_FOUND_WHEN_DELETING_1
                    || s.getErrorCode() == ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX)) {
                String message = h2.getOriginalMessage() != null ? h2.getOriginalMessage() : s.getMessage();
                Optional<Name> index = indexNamed(message == null ? "" : message);
                if (index.isPresent()) {
                    return Optional.of(new IndexError(s.getErrorCode(), index.get()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The index an H2 message names. H2 puts each parameter of a message in double quotes (a quote inside doubled)
     * and writes the index as in SQL, quoting a part only where needed: {@code "PUBLIC.MESSAGE_SHA256: 45"} (90112
     * adds the row key), {@code "PUBLIC.""odd""""t_DATA"""}; a name quoted part by part, {@code
     * "PUBLIC"."MESSAGE_SHA256"}, is read too. Only the quoted parts are read, so the language of the text does not
     * matter; a parameter that is not a name (90143's row key, {@code "45"}) is passed over.
     */
    static Optional<Name> indexNamed(String message) {
        for (int at = message.indexOf('"'); at >= 0; at = message.indexOf('"', at + 1)) {
            Dotted direct = dotted(message, at);
            if (direct != null && direct.parts().size() >= 2) {
                return Optional.of(name(direct.parts()));
            }
            Quoted parameter = quoted(message, at);
            if (parameter == null) {
                break;
            }
            String text = ROW_KEY.matcher(parameter.text()).replaceFirst("");
            Dotted inside = dotted(text, 0);
            if (inside != null && inside.end() == text.length()) {
                return Optional.of(name(inside.parts()));
            }
            at = parameter.end() - 1;
        }
        return Optional.empty();
    }

    private record Quoted(String text, int end) {
    }

    private record Dotted(List<String> parts, int end) {
    }

    private static Name name(List<String> parts) {
        int n = parts.size();
        return new Name(n >= 2 ? parts.get(n - 2) : null, parts.get(n - 1));
    }

    /** A double-quoted token at {@code at} ("" for a quote inside), or null. */
    private static Quoted quoted(String s, int at) {
        StringBuilder text = new StringBuilder();
        for (int i = at + 1; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != '"') {
                text.append(ch);
            } else if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                text.append('"');
                i++;
            } else {
                return new Quoted(text.toString(), i + 1);
            }
        }
        return null;
    }

    /** Identifiers (quoted, or plain: a letter or _ first) joined by dots, starting at {@code at}; null if none. */
    private static Dotted dotted(String s, int at) {
        List<String> parts = new ArrayList<>();
        int i = at;
        while (true) {
            if (i < s.length() && s.charAt(i) == '"') {
                Quoted q = quoted(s, i);
                if (q == null) {
                    return null;
                }
                parts.add(q.text());
                i = q.end();
            } else {
                int j = i;
                if (j < s.length() && (Character.isLetter(s.charAt(j)) || s.charAt(j) == '_')) {
                    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_'
                            || s.charAt(j) == '$')) {
                        j++;
                    }
                }
                if (j == i) {
                    return null;
                }
                parts.add(s.substring(i, j));
                i = j;
            }
            if (i >= s.length() || s.charAt(i) != '.') {
                return new Dotted(parts, i);
            }
            i++;
        }
    }

    /**
     * Rebuilds what the error names, on a connection of its own in auto-commit mode (DDL commits anyway), and answers
     * whether the work that met the error should run again: true when an index was rebuilt now, or by another thread
     * since {@code attemptStarted} (System.nanoTime when the failed work began). False when nothing can be rebuilt:
     * the index backs a constraint, or it was rebuilt less than a minute before the work began and the work still
     * met the error. Synchronized: threads that meet the same index at once rebuild it once.
     */
    synchronized boolean repair(IndexError error, long attemptStarted) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            c.setReadOnly(false);
            List<Definition> indexes;
            if (error.code() == ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX) {
                Name table = tableOf(c, error.index());
                indexes = table == null ? List.of() : indexesOf(c, table);
            } else {
                indexes = definition(c, error.index()).map(List::of).orElse(List.of());
            }
            boolean again = false;
            List<Definition> notRebuilt = new ArrayList<>();
            for (Definition d : indexes) {
                Long last = rebuiltAt.get(d.index());
                if (last != null && last - attemptStarted >= 0) {
                    again = true; // rebuilt by another thread after this work began: it may now succeed
                } else if (d.rebuildable() && (last == null || System.nanoTime() - last >= QUIET_NANOS)) {
                    rebuild(c, d, error.code() == ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX
                            ? "an index of the table pointed to a row the table does not have (H2 error 90143)"
                            : "it missed a row of its table (H2 error 90112)");
                    again = true;
                } else if (d.type().equals("PRIMARY KEY") && error.code() == ErrorCode.ROW_NOT_FOUND_IN_PRIMARY_INDEX) {
                    continue; // the table's own rows: what 90143 found complete, not a suspect
                } else {
                    notRebuilt.add(d);
                }
            }
            if (!again) {
                reportUnrepairable(error, notRebuilt);
            }
            return again;
        } catch (SQLException e) {
            LOG.error("H2 index {} is out of step with its table, and rebuilding it failed; the work that met it "
                    + "fails until it is rebuilt (see the log above and H2IndexRepair)", error.index(), e);
            return false;
        }
    }

    private void rebuild(Connection c, Definition d, String why) throws SQLException {
        long started = System.nanoTime();
        rebuiltAt.put(d.index(), started); // before the DROP: any work that began earlier may have met the old index
        try (Statement s = c.createStatement()) {
            s.execute("DROP INDEX " + d.index().sql());
            try {
                s.execute(d.createSql());
                if (d.remarks() != null) {
                    s.execute("COMMENT ON INDEX " + d.index().sql() + " IS '" + d.remarks().replace("'", "''") + "'");
                }
            } catch (SQLException e) {
                // Dropped but not made again (a UNIQUE index over rows that the broken index let in twice): the
                // work can go on without it, slower; a person has to make it.
                LOG.error("H2 index {} was dropped to rebuild it, but creating it again failed; run: {}", d.index(),
                        d.createSql(), e);
                return;
            }
        }
        LOG.warn("H2 index {} of table {} rebuilt in {} ms: {} (an index out of step with its table, as a kill "
                        + "can leave it: H2 issues #995, #1043)", d.index(), d.table(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), why);
    }

    private void reportUnrepairable(IndexError error, List<Definition> notRebuilt) {
        Long last = reportedAt.get(error.index());
        long now = System.nanoTime();
        if (last != null && now - last < QUIET_NANOS) {
            return;
        }
        reportedAt.put(error.index(), now);
        List<String> which = notRebuilt.stream().map(d -> d.index() + (d.constraint() != null
                ? " (backs constraint " + d.constraint() + ")" : d.rebuildable() ? " (rebuilt within the last minute)"
                : " (" + d.type() + ")")).toList();
        LOG.error("H2 index {} is out of step with its table (H2 error {}; left so by a kill: H2 issues #995, #1043) "
                        + "and the collector cannot rebuild it: {}. Writes that touch the broken entry fail until the "
                        + "database is re-created: stop the collector, export it with SCRIPT TO 'backup.sql' (or "
                        + "org.h2.tools.Script), move the database file away, and load the export into a new one with "
                        + "RUNSCRIPT FROM 'backup.sql' (or org.h2.tools.RunScript)", error.index(), error.code(),
                which.isEmpty() ? "not found in INFORMATION_SCHEMA" : String.join(", ", which));
    }

    /**
     * The table whose primary index 90143 names. H2 calls it TABLE_DATA after the table's name when its rows were
     * written, and ALTER TABLE (a column added by a migration) copies the table under a temporary name and keeps the
     * index's: message's is MESSAGE_COPY_4_14_DATA. Null when no such table is found.
     */
    private static Name tableOf(Connection c, Name primaryIndex) throws SQLException {
        Optional<Definition> d = definition(c, primaryIndex);
        if (d.isPresent()) {
            return d.get().table();
        }
        String table = PRIMARY_SUFFIX.matcher(primaryIndex.name()).replaceFirst("");
        for (String candidate : List.of(table, COPY_SUFFIX.matcher(table).replaceFirst(""))) {
            try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA FROM INFORMATION_SCHEMA.TABLES "
                    + "WHERE TABLE_NAME = ? AND (CAST(? AS VARCHAR) IS NULL OR TABLE_SCHEMA = ?)")) {
                Sql.bind(ps, candidate, primaryIndex.schema(), primaryIndex.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String schema = rs.getString(1);
                        return rs.next() ? null : new Name(schema, candidate);
                    }
                }
            }
        }
        return null;
    }

    private static final String DEFINITION = "SELECT i.INDEX_SCHEMA, i.INDEX_NAME, i.TABLE_SCHEMA, i.TABLE_NAME, "
            + "i.INDEX_TYPE_NAME, i.NULLS_DISTINCT, i.IS_GENERATED, i.REMARKS, (SELECT MIN(tc.CONSTRAINT_NAME) FROM "
            + "INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc WHERE tc.INDEX_SCHEMA = i.INDEX_SCHEMA "
            + "AND tc.INDEX_NAME = i.INDEX_NAME) FROM INFORMATION_SCHEMA.INDEXES i ";

    /** The index's definition; an index named without schema is looked up in every schema (one match only). */
    private static Optional<Definition> definition(Connection c, Name index) throws SQLException {
        List<Definition> found = definitions(c, DEFINITION + "WHERE i.INDEX_NAME = ? AND (CAST(? AS VARCHAR) IS NULL "
                + "OR i.INDEX_SCHEMA = ?)", index.name(), index.schema(), index.schema());
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    /** Every index of the table. */
    private static List<Definition> indexesOf(Connection c, Name table) throws SQLException {
        return definitions(c, DEFINITION + "WHERE i.TABLE_NAME = ? AND (CAST(? AS VARCHAR) IS NULL "
                + "OR i.TABLE_SCHEMA = ?) ORDER BY i.INDEX_NAME", table.name(), table.schema(), table.schema());
    }

    private static List<Definition> definitions(Connection c, String sql, Object... values) throws SQLException {
        List<Definition> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, values);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Name index = new Name(rs.getString(1), rs.getString(2));
                    found.add(new Definition(index, new Name(rs.getString(3), rs.getString(4)), rs.getString(5),
                            rs.getString(6), rs.getBoolean(7), rs.getString(9), rs.getString(8), columns(c, index)));
                }
            }
        }
        return found;
    }

    private static List<Column> columns(Connection c, Name index) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, ORDERING_SPECIFICATION, NULL_ORDERING "
                + "FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE INDEX_SCHEMA = ? AND INDEX_NAME = ? "
                + "ORDER BY ORDINAL_POSITION")) {
            Sql.bind(ps, index.schema(), index.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), "DESC".equals(rs.getString(2)) ? "DESC" : "ASC",
                            rs.getString(3)));
                }
            }
        }
        return columns;
    }

    /** A delimited identifier: the name exactly as stored, whatever its case or characters. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
