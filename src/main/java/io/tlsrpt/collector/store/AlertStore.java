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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Alerts: the events they are raised for (read from the daily roll-ups), the de-duplication with a cool-down, the
 * alerts raised and their delivery.
 */
@Singleton
public final class AlertStore {
    public static final String OFF = "off";
    public static final String PENDING = "pending";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";
    private static final int IN_CHUNK = 500;

    private final Database db;

    public AlertStore(Database db) {
        this.db = db;
    }

    /** An alert to raise. {@code eventKey} names the event stably (the same event, the same key). */
    public record NewAlert(String eventKey, String kind, String domain, String title, String detail, String factsJson,
                           boolean webhook, boolean email) {
    }

    /** An alert as stored. */
    public record AlertRow(long id, String alertKey, String kind, String domain, String title, String detail,
                           String factsJson, Instant createdAt, String webhookStatus, String emailStatus, int attempts,
                           String lastError, Instant deliveredAt) {
    }

    /** A failure group (domain, result type, receiving MX) in recent reports. */
    public record FailureGroupFacts(String domain, String resultType, String receivingMx, String receivingMxShown,
                                    LocalDate firstDay, LocalDate lastDay, long sessions) {
    }

    /** A domain's sessions over a span of days. */
    public record DomainSessions(String domain, long successful, long failed) {
        public long sessions() {
            return successful + failed;
        }
    }

    /** A reporting organisation whose daily reports for a domain stopped after {@code lastDay}. */
    public record SilentReporter(String domain, String organization, LocalDate lastDay) {
    }

    /** The stable, bounded key of an event (SHA-256 of its parts). */
    public static String key(String... parts) {
        return Sql.hash(parts);
    }

    /**
     * Raises an alert unless the same event alerted within the cool-down: claims the event's key and stores the
     * alert in one transaction. Safe against another instance raising the same event at the same time.
     *
     * @param cooldown how long after an alert the same event may alert again; null: never
     * @return the new alert's id, or empty when the event is within its cool-down
     */
    public Optional<Long> raise(NewAlert alert, Instant now, Duration cooldown) {
        String key = Sql.hash(alert.eventKey());
        return db.inTransaction(c -> {
            if (!claim(c, key, now, cooldown)) {
                return Optional.<Long>empty();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert (alert_key, kind, domain, title, detail, "
                    + "facts, created_at, webhook_status, email_status) VALUES (?,?,?,?,?,?,?,?,?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                Sql.bind(ps, key, alert.kind(), Text.clip(alert.domain(), 1024), Text.clip(alert.title(), 4000),
                        Text.clip(alert.detail(), 8000), Text.clip(alert.factsJson(), 65536), now,
                        alert.webhook() ? PENDING : OFF, alert.email() ? PENDING : OFF);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return Optional.of(keys.getLong(1));
                }
            }
        });
    }

    private static boolean claim(Connection c, String key, Instant now, Duration cooldown) throws SQLException {
        if (cooldown != null) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert_cooldown SET last_alert_at = ? WHERE alert_key = ? AND last_alert_at <= ?")) {
                Sql.bind(ps, now, key, now.minus(cooldown));
                if (ps.executeUpdate() > 0) {
                    return true;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM alert_cooldown WHERE alert_key = ?")) {
            Sql.bind(ps, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        var savepoint = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert_cooldown (alert_key, last_alert_at) VALUES (?,?)")) {
            Sql.bind(ps, key, now);
            ps.executeUpdate();
            c.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(savepoint); // another instance claimed it just now
            return false;
        }
    }

    public Optional<AlertRow> alert(long id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert WHERE id = ?")) {
                Sql.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<AlertRow>empty();
                }
            }
        });
    }

    /** Alerts, newest first; {@code domain} and {@code kind} filter when not null. */
    public Page<AlertRow> alerts(String domain, String kind, PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (domain != null) {
            where.append(" AND domain = ?");
            args.add(domain);
        }
        if (kind != null) {
            where.append(" AND kind = ?");
            args.add(kind);
        }
        return db.read(c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM alert" + where)) {
                Sql.bind(ps, args.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Object> pageArgs = new ArrayList<>(args);
            pageArgs.add(page.offset());
            pageArgs.add(page.limit());
            List<AlertRow> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert" + where
                    + " ORDER BY created_at DESC, id DESC OFFSET ? ROWS FETCH FIRST ? ROWS ONLY")) {
                Sql.bind(ps, pageArgs.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(row(rs));
                    }
                }
            }
            return new Page<>(items, total, page.limit(), page.offset());
        });
    }

    /**
     * Alerts with a delivery still pending that no instance is delivering (a crash or a stop between raising and
     * sending, or a delivery taken before {@code staleBefore} and never finished), oldest first.
     */
    public List<Long> undelivered(Instant staleBefore, int limit) {
        return db.read(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM alert WHERE (webhook_status = ? OR "
                    + "email_status = ?) AND (claimed_at IS NULL OR claimed_at < ?) ORDER BY id "
                    + "FETCH FIRST ? ROWS ONLY")) {
                Sql.bind(ps, PENDING, PENDING, staleBefore, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

    /**
     * Takes an alert's pending delivery for this instance: true for exactly one caller, unless the delivery was taken
     * before {@code staleBefore} and never finished (the instance stopped), when it may be taken again.
     */
    public boolean claimDelivery(long id, Instant now, Instant staleBefore) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE alert SET claimed_at = ? WHERE id = ? AND "
                    + "(webhook_status = ? OR email_status = ?) AND (claimed_at IS NULL OR claimed_at < ?)")) {
                Sql.bind(ps, now, id, PENDING, PENDING, staleBefore);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Records the outcome of a delivery attempt. */
    public void delivered(long id, String webhookStatus, String emailStatus, int attempts, String error, Instant at) {
        db.inTransaction(c -> {
            ProcessingWriter.exec(c, "UPDATE alert SET webhook_status = ?, email_status = ?, attempts = attempts + ?, "
                            + "last_error = ?, delivered_at = ? WHERE id = ?", webhookStatus, emailStatus, attempts,
                    Text.clip(error, 4000), at, id);
            return null;
        });
    }

    /**
     * Failure groups (policy domain, result type in lower case, receiving MX) in reports whose day is {@code since}
     * or later and in none before: new to the domain. With {@code domains}, only theirs. Read from the sums over
     * everything (failure_group_total, whose first day is kept per view mode): a group is new when its first day is
     * {@code since} or later; the domains' few groups come from failure_group's domain index. (A NOT EXISTS over
     * daily_failure, before, cost a third as much as processing itself under load.)
     */
    public List<FailureGroupFacts> newFailureGroups(LocalDate since, Collection<String> domains, Visibility visibility,
                                                    int limit) {
        return db.read(c -> {
            List<FailureGroupFacts> out = new ArrayList<>();
            for (List<String> chunk : chunks(domains)) {
                String in = chunk == null ? "" : " AND g.domain IN (" + marks(chunk.size()) + ")";
                List<Object> args = new ArrayList<>();
                args.add(visibility.mode());
                if (chunk != null) {
                    args.addAll(chunk);
                }
                args.add(since);
                args.add(limit);
                try (PreparedStatement ps = c.prepareStatement("SELECT g.domain, LOWER(g.result_type) AS rt, "
                        + "g.receiving_mx, MIN(g.receiving_mx_shown) AS shown, MIN(t.first_day) AS first_day, "
                        + "MAX(t.last_day) AS last_day, SUM(t.sessions) AS sessions FROM failure_group g "
                        + "JOIN failure_group_total t ON t.group_id = g.id AND t.view_mode = ? WHERE 1 = 1" + in
                        + " GROUP BY g.domain, LOWER(g.result_type), g.receiving_mx "
                        + "HAVING MIN(t.first_day) >= ? AND SUM(t.sessions) > 0 "
                        + "ORDER BY SUM(t.sessions) DESC, g.domain FETCH FIRST ? ROWS ONLY")) {
                    Sql.bind(ps, args.toArray());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new FailureGroupFacts(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), Sql.date(rs, "first_day"), Sql.date(rs, "last_day"),
                                    rs.getLong("sessions")));
                        }
                    }
                }
            }
            return out;
        });
    }

    /**
     * The reporters of a new failure group: all of its rows are of its first day or later. Asked only for the groups
     * that will alert ({@link #raisedBefore}): one query per group, which for the groups of a burst's thousands of
     * domains cost a tenth as much CPU as processing them when it was asked for every group found.
     */
    public long reporters(FailureGroupFacts g, Visibility visibility) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT organization_name) FROM "
                    + "daily_failure WHERE domain = ? AND utc_day >= ? AND receiving_mx = ? AND LOWER(result_type) = ?"
                    + visibility.sql(""))) {
                Sql.bind(ps, g.domain(), g.firstDay(), g.receivingMx(), g.resultType());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * The event keys ({@link NewAlert#eventKey()}) among {@code eventKeys} that alerted before (their cool-down row is
     * there): an event that alerts once need not be looked at again.
     */
    public Set<String> raisedBefore(Collection<String> eventKeys) {
        Map<String, String> byHash = new HashMap<>();
        eventKeys.forEach(k -> byHash.put(Sql.hash(k), k));
        return db.read(c -> {
            Set<String> out = new HashSet<>();
            for (List<String> chunk : chunks(byHash.keySet())) {
                try (PreparedStatement ps = c.prepareStatement("SELECT alert_key FROM alert_cooldown WHERE alert_key "
                        + "IN (" + marks(chunk.size()) + ")")) {
                    Sql.bind(ps, chunk.toArray());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(byHash.get(rs.getString(1)));
                        }
                    }
                }
            }
            return out;
        });
    }

    /**
     * Domains whose failed share of sessions over the days from {@code since} is above {@code rate}, with at least
     * {@code minSessions} sessions. With {@code domains}, only those.
     */
    public List<DomainSessions> failingDomains(LocalDate since, Collection<String> domains, Visibility visibility,
                                               long minSessions, double rate, int limit) {
        return db.read(c -> {
            List<DomainSessions> out = new ArrayList<>();
            for (List<String> chunk : chunks(domains)) {
                String in = chunk == null ? "" : " AND domain IN (" + marks(chunk.size()) + ")";
                List<Object> args = new ArrayList<>();
                args.add(since);
                if (chunk != null) {
                    args.addAll(chunk);
                }
                args.add(minSessions);
                args.add(Math.round(rate * 1_000_000)); // parts per million: integer arithmetic on every database
                args.add(limit);
                try (PreparedStatement ps = c.prepareStatement("SELECT domain, SUM(successful), SUM(failed) "
                        + "FROM daily_domain WHERE utc_day >= ?" + visibility.sql("") + in + " GROUP BY domain "
                        + "HAVING SUM(successful) + SUM(failed) >= ? AND SUM(failed) * 1000000 > ? * (SUM(successful) "
                        + "+ SUM(failed)) ORDER BY SUM(failed) DESC, domain FETCH FIRST ? ROWS ONLY")) {
                    Sql.bind(ps, args.toArray());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new DomainSessions(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                        }
                    }
                }
            }
            return out;
        });
    }

    /**
     * Reporters (organisation and domain) with a report for each of the {@code consecutive} days ending on
     * {@code lastDay} and none for a later day.
     */
    public List<SilentReporter> stoppedAfter(LocalDate lastDay, int consecutive, Visibility visibility, int limit) {
        return db.read(c -> {
            List<SilentReporter> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT d.domain, d.organization_name FROM daily_domain d "
                    + "WHERE d.utc_day BETWEEN ? AND ?" + visibility.sql("d") + " AND NOT EXISTS (SELECT 1 FROM "
                    + "daily_domain n WHERE n.domain = d.domain AND n.organization_name = d.organization_name AND "
                    + "n.utc_day > ?" + visibility.sql("n") + ") GROUP BY d.domain, d.organization_name "
                    + "HAVING COUNT(DISTINCT d.utc_day) >= ? ORDER BY d.domain, d.organization_name "
                    + "FETCH FIRST ? ROWS ONLY")) {
                Sql.bind(ps, lastDay.minusDays(consecutive - 1L), lastDay, lastDay, consecutive, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SilentReporter(rs.getString(1), rs.getString(2), lastDay));
                    }
                }
            }
            return out;
        });
    }

    private static List<List<String>> chunks(Collection<String> domains) {
        if (domains == null) {
            return Collections.singletonList(null);
        }
        List<String> all = new ArrayList<>(domains);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += IN_CHUNK) {
            out.add(all.subList(i, Math.min(all.size(), i + IN_CHUNK)));
        }
        return out;
    }

    private static String marks(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }

    private static AlertRow row(ResultSet rs) throws SQLException {
        return new AlertRow(rs.getLong("id"), rs.getString("alert_key"), rs.getString("kind"), rs.getString("domain"),
                rs.getString("title"), rs.getString("detail"), rs.getString("facts"), Sql.instant(rs, "created_at"),
                rs.getString("webhook_status"), rs.getString("email_status"), rs.getInt("attempts"),
                rs.getString("last_error"), Sql.instant(rs, "delivered_at"));
    }
}
