package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads stored reports back into {@link ReportRow}s, with their policies and failure details. */
final class ReportReader {
    private ReportReader() {
    }

    /** The report with at most {@code maxFailures} failure details (all of them for roll-up arithmetic). */
    static ReportRow report(Connection c, long reportId, int maxFailures) throws SQLException {
        Map<Long, List<FailureRow>> failures = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM failure_detail WHERE report_id = ? ORDER BY id")) {
            Sql.bind(ps, reportId);
            ps.setMaxRows(maxFailures);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    failures.computeIfAbsent(rs.getLong("policy_id"), k -> new ArrayList<>()).add(new FailureRow(
                            rs.getString("result_type"), rs.getString("result_type_group"),
                            rs.getString("sending_mta_ip"), rs.getString("receiving_mx_hostname"),
                            rs.getString("receiving_mx_norm"), rs.getString("receiving_mx_helo"),
                            rs.getString("receiving_ip"), rs.getLong("failed_session_count"),
                            rs.getString("additional_information"), rs.getString("failure_reason_code")));
                }
            }
        }
        List<PolicyRow> policies = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM policy WHERE report_id = ? ORDER BY policy_index")) {
            Sql.bind(ps, reportId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    policies.add(new PolicyRow(rs.getInt("policy_index"), rs.getString("policy_type"),
                            rs.getString("policy_type_group"), rs.getString("policy_domain"), rs.getString("domain"),
                            rs.getString("policy_string"), rs.getString("mx_host"),
                            Sql.longOrNull(rs, "total_successful"), Sql.longOrNull(rs, "total_failure"),
                            failures.getOrDefault(rs.getLong("id"), List.of())));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM report WHERE id = ?")) {
            Sql.bind(ps, reportId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new ReportRow(rs.getLong("message_id"), rs.getInt("part_index"), rs.getString("file_name"),
                        rs.getString("organization_name"), rs.getString("report_id"),
                        Sql.instant(rs, "start_datetime"), Sql.instant(rs, "end_datetime"),
                        rs.getString("start_raw"), rs.getString("end_raw"), rs.getString("contact_info"),
                        rs.getString("report_domain"), rs.getString("notes"), policies,
                        rs.getBoolean("authenticated"), rs.getBoolean("foreign_domain"));
            }
        }
    }
}
