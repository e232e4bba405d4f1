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
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(utc_day) AS first_day, MAX(utc_day) AS last_day "
                + "FROM daily_domain"); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return true;
            }
            LocalDate first = Sql.date(rs, "first_day");
            LocalDate last = Sql.date(rs, "last_day");
            return first == null || !period.from().isAfter(first) && !period.to().isBefore(last);
        }
    }
}
