package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The failure groups (schema V6: policy domain, policy type, result type, receiving MX): what is broken where. Each
 * has one row in {@code failure_group}, found by the SHA-256 of its four values and created when first seen; rows
 * are never deleted, so that an id stays valid for every transaction that read it.
 */
final class FailureGroups {
    private static final int CHUNK = 500;

    private FailureGroups() {
    }

    /** A failure group; {@code receivingMx} is normalised and '' when the senders left it out. */
    record Group(String domain, String policyType, String resultType, String receivingMx) {
        String key() {
            return Sql.hash(domain, policyType, resultType, receivingMx);
        }
    }

    /**
     * The ids of the groups, creating the rows of those not there yet ({@code shown}: the MX as the first sender
     * wrote it). Missing rows are inserted in the order of their keys (no deadlock between two transactions); one
     * that a concurrent transaction inserted first is read back instead.
     */
    static Map<Group, Long> ids(Connection c, Map<Group, String> shown) throws SQLException {
        Map<String, Group> byKey = new TreeMap<>();
        shown.keySet().forEach(g -> byKey.put(g.key(), g));
        Map<Group, Long> ids = new HashMap<>();
        read(c, byKey, new ArrayList<>(byKey.keySet()), ids);
        List<String> missing = byKey.keySet().stream().filter(k -> !ids.containsKey(byKey.get(k))).toList();
        if (missing.isEmpty()) {
            return ids;
        }
        String insert = "INSERT INTO failure_group (group_key, domain, policy_type, result_type, receiving_mx, "
                + "receiving_mx_shown) VALUES (?,?,?,?,?,?)";
        var savepoint = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            for (String k : missing) {
                Group g = byKey.get(k);
                Sql.bind(ps, k, g.domain(), g.policyType(), g.resultType(), g.receivingMx(), shown.get(g));
                ps.addBatch();
            }
            ps.executeBatch();
            c.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(savepoint);
            for (String k : missing) { // one at a time: those a concurrent transaction created are skipped
                Group g = byKey.get(k);
                var one = c.setSavepoint();
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    Sql.bind(ps, k, g.domain(), g.policyType(), g.resultType(), g.receivingMx(), shown.get(g));
                    ps.executeUpdate();
                    c.releaseSavepoint(one);
                } catch (SQLException again) {
                    if (!Sql.isUniqueViolation(again)) {
                        throw again;
                    }
                    c.rollback(one);
                }
            }
        }
        read(c, byKey, missing, ids);
        if (ids.size() != byKey.size()) {
            throw new SQLException("failure groups not found after insertion: " + (byKey.size() - ids.size()));
        }
        return ids;
    }

    private static void read(Connection c, Map<String, Group> byKey, List<String> keys, Map<Group, Long> ids)
            throws SQLException {
        for (int from = 0; from < keys.size(); from += CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT group_key, id FROM failure_group "
                    + "WHERE group_key IN (" + String.join(",", Collections.nCopies(chunk.size(), "?")) + ")")) {
                Sql.bind(ps, chunk.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.put(byKey.get(rs.getString(1)), rs.getLong(2));
                    }
                }
            }
        }
    }
}
