package io.tlsrpt.collector.store;

import io.tlsrpt.collector.store.view.RecordVersion;
import io.tlsrpt.collector.store.view.StoredCheck;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Versions of published records (DESIGN.md: each observed version kept with first/last seen) and the latest check of
 * each domain.
 */
@Singleton
public final class RecordHistoryStore {
    /** Versions of one domain listed on its page; older ones are counted, not loaded. */
    public static final int MAX_VERSIONS = 200;

    private final Database db;

    public RecordHistoryStore(Database db) {
        this.db = db;
    }

    /**
     * Records what was seen now: for each kind, the latest version is extended when the content is the same, or a
     * new version starts.
     *
     * @return the kinds whose content changed (a first sighting counts as a change)
     */
    public List<String> observe(String domain, Map<String, String> contentByKind, Instant now) {
        return db.inTransaction(c -> {
            List<String> changed = new ArrayList<>();
            for (Map.Entry<String, String> e : contentByKind.entrySet()) {
                String hash = Sql.sha256(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                Long latestId = null;
                String latestHash = null;
                try (PreparedStatement ps = c.prepareStatement("SELECT id, content_hash FROM record_version "
                        + "WHERE domain = ? AND kind = ? ORDER BY last_seen DESC, id DESC FETCH FIRST 1 ROWS ONLY")) {
                    Sql.bind(ps, domain, e.getKey());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            latestId = rs.getLong(1);
                            latestHash = rs.getString(2);
                        }
                    }
                }
                if (hash.equals(latestHash)) {
                    ProcessingWriter.exec(c, "UPDATE record_version SET last_seen = ? WHERE id = ?", now, latestId);
                } else {
                    ProcessingWriter.exec(c, "INSERT INTO record_version (domain, kind, content_hash, content, "
                            + "first_seen, last_seen) VALUES (?,?,?,?,?,?)", domain, e.getKey(), hash,
                            Text.clip(e.getValue(), 100000), now, now);
                    changed.add(e.getKey());
                }
            }
            return changed;
        });
    }

    /** The latest version of each kind for a domain (before this check's changes, if called before observe). */
    public Map<String, RecordVersion> latest(String domain) {
        return db.read(c -> {
            Map<String, RecordVersion> latest = new LinkedHashMap<>();
            for (RecordVersion v : versions(c, domain, MAX_VERSIONS)) {
                latest.putIfAbsent(v.kind(), v);
            }
            return latest;
        });
    }

    /** Versions of a domain's records, newest first, at most {@link #MAX_VERSIONS}. */
    public List<RecordVersion> versions(String domain) {
        return db.read(c -> versions(c, domain, MAX_VERSIONS));
    }

    private static List<RecordVersion> versions(Connection c, String domain, int max) throws SQLException {
        List<RecordVersion> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM record_version WHERE domain = ? "
                + "ORDER BY last_seen DESC, id DESC FETCH FIRST " + max + " ROWS ONLY")) {
            Sql.bind(ps, domain);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new RecordVersion(rs.getLong("id"), rs.getString("domain"), rs.getString("kind"),
                            rs.getString("content"), Sql.instant(rs, "first_seen"), Sql.instant(rs, "last_seen")));
                }
            }
        }
        return list;
    }

    public void saveCheck(String domain, Instant checkedAt, int errors, int warnings, String snapshotJson) {
        db.inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE domain_check SET checked_at = ?, errors = ?, "
                    + "warnings = ?, snapshot = ? WHERE domain = ?")) {
                Sql.bind(ps, checkedAt, errors, warnings, snapshotJson, domain);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                var sp = c.setSavepoint();
                try {
                    ProcessingWriter.exec(c, "INSERT INTO domain_check (domain, checked_at, errors, warnings, "
                            + "snapshot) VALUES (?,?,?,?,?)", domain, checkedAt, errors, warnings, snapshotJson);
                } catch (SQLException e) {
                    if (!Sql.isUniqueViolation(e)) {
                        throw e;
                    }
                    c.rollback(sp); // another instance checked the same domain at the same moment: keep theirs
                }
            }
            return null;
        });
    }

    public Optional<StoredCheck> check(String domain) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM domain_check WHERE domain = ?")) {
                Sql.bind(ps, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredCheck(rs.getString("domain"), Sql.instant(rs, "checked_at"),
                            rs.getInt("errors"), rs.getInt("warnings"), rs.getString("snapshot")));
                }
            }
        });
    }

    /**
     * Domains that reports were sent for and that were not checked since {@code before}, oldest check first
     * (never-checked first), at most {@code limit}.
     */
    public List<String> domainsToCheck(Instant before, int limit) {
        return db.read(c -> {
            List<String> domains = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT r.report_domain FROM report r "
                    + "LEFT JOIN domain_check d ON d.domain = r.report_domain WHERE r.report_domain IS NOT NULL "
                    + "AND (d.checked_at IS NULL OR d.checked_at < ?) GROUP BY r.report_domain, d.checked_at "
                    + "ORDER BY d.checked_at NULLS FIRST, r.report_domain FETCH FIRST " + limit + " ROWS ONLY")) {
                Sql.bind(ps, before);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        domains.add(rs.getString(1));
                    }
                }
            }
            return domains;
        });
    }

    /** When the domain was last checked, if ever. */
    public Optional<Instant> lastChecked(String domain) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT checked_at FROM domain_check WHERE domain = ?")) {
                Sql.bind(ps, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Sql.instant(rs, "checked_at")) : Optional.empty();
                }
            }
        });
    }
}
