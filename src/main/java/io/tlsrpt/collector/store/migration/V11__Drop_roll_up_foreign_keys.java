package io.tlsrpt.collector.store.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Schema 11: drops the foreign keys from failure_group_day and failure_group_total to failure_group (schema V6).
 *
 * <p>On H2 each of them came with an index on group_id of its own: failure_group_day's duplicates the first column of
 * its primary key (H2 made it before the key existed), failure_group_total's is read by nothing. H2 changes every
 * index of a row it updates (it removes the old entry and adds the new one even when the key is the same), and both
 * tables have rows changed for every failure group of every report, so the two indexes cost processing two B-tree
 * changes per roll-up row and their share of the commit, for nothing: failure_group rows are never deleted (V6),
 * which is all the keys guarded against. V10's failure_group_reporter_day was made without one for the same reason.
 * On PostgreSQL the keys cost a look-up in failure_group per row inserted.
 *
 * <p>Java, not SQL: the constraints were declared without names, and H2 and PostgreSQL named them differently; the
 * names are read from the JDBC metadata.
 */
public class V11__Drop_roll_up_foreign_keys extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        for (String table : new String[]{"failure_group_day", "failure_group_total"}) {
            for (String constraint : foreignKeys(c, table)) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER TABLE " + table + " DROP CONSTRAINT " + quoted(constraint));
                }
            }
        }
    }

    /** The names of the foreign keys of a table of the current schema (H2 keeps names upper-case, PostgreSQL lower). */
    static Set<String> foreignKeys(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        Set<String> names = new LinkedHashSet<>();
        for (String name : new String[]{table.toUpperCase(Locale.ROOT), table}) {
            try (ResultSet rs = meta.getImportedKeys(c.getCatalog(), c.getSchema(), name)) {
                while (rs.next()) {
                    names.add(rs.getString("FK_NAME"));
                }
            }
        }
        return names;
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
