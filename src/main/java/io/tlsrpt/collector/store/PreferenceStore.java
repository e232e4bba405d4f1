package io.tlsrpt.collector.store;

import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The dashboard's switches, kept in the database so that every page, API call and instance sees the same. */
@Singleton
public final class PreferenceStore {
    static final String HIDE_UNAUTHENTICATED = "hide-unauthenticated";
    static final String HIDE_FOREIGN = "hide-foreign";

    private final Database db;

    public PreferenceStore(Database db) {
        this.db = db;
    }

    /** The visibility the switches set (both off until a user turns them on). */
    public Visibility visibility() {
        return db.read(c -> new Visibility(flag(c, HIDE_UNAUTHENTICATED), flag(c, HIDE_FOREIGN)));
    }

    public void setVisibility(Visibility v) {
        db.inTransaction(c -> {
            set(c, HIDE_UNAUTHENTICATED, v.authenticatedOnly());
            set(c, HIDE_FOREIGN, v.ownDomainsOnly());
            return null;
        });
    }

    private static boolean flag(java.sql.Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pref_value FROM preference WHERE pref_name = ?")) {
            Sql.bind(ps, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && "true".equals(rs.getString(1));
            }
        }
    }

    private static void set(java.sql.Connection c, String name, boolean value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE preference SET pref_value = ? WHERE pref_name = ?")) {
            Sql.bind(ps, String.valueOf(value), name);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        // Two instances setting the first value at once: the second insert hits the primary key; the savepoint keeps
        // PostgreSQL's transaction usable, and the update then sets our value.
        var savepoint = c.setSavepoint();
        try {
            ProcessingWriter.exec(c, "INSERT INTO preference (pref_name, pref_value) VALUES (?,?)", name,
                    String.valueOf(value));
            c.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(savepoint);
            ProcessingWriter.exec(c, "UPDATE preference SET pref_value = ? WHERE pref_name = ?",
                    String.valueOf(value), name);
        }
    }
}
