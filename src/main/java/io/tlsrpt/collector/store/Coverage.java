package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;

/**
 * Whether a period covers every stored day, so that the sums over everything (the *_total roll-ups) are the sums
 * over the period. The first and last stored day come from the ends of daily_domain's day index (every report with
 * failures has a policy, so failure days are among its days).
 */
final class Coverage {
    private Coverage() {
    }

    static boolean coversEverything(Connection c, Period period) throws SQLException {
        return covers(storedDays(c), period);
    }

    /** Whether the period covers every stored day (true when nothing is stored). */
    static boolean covers(Period stored, Period period) {
        return stored == null || !period.from().isAfter(stored.from()) && !period.to().isBefore(stored.to());
    }

    /** The first and last stored day, or null when nothing is stored. */
    static Period storedDays(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(utc_day) AS first_day, MAX(utc_day) AS last_day "
                + "FROM daily_domain"); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            LocalDate first = Sql.date(rs, "first_day");
            LocalDate last = Sql.date(rs, "last_day");
            return first == null ? null : new Period(first, last);
        }
    }
}
