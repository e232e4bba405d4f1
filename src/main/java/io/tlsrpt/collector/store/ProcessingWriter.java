package io.tlsrpt.collector.store;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The writes of processing one raw message, all on the caller's connection so that they share one transaction:
 * clear what an earlier run of the same message stored, store reports (or record duplicates) with their roll-ups,
 * quarantine what is unusable, and set the message's state. Running it twice on the same message gives the same
 * stored state (DESIGN.md: processing is idempotent).
 */
@Singleton
public final class ProcessingWriter {
    /**
     * The generated key asked for by name: PostgreSQL's driver answers RETURN_GENERATED_KEYS with RETURNING *, which
     * would send every inserted column back (a policy-string can be a megabyte).
     */
    private static final String[] ID = {"id"};

    /**
     * Starts storing the message's reports again: locks the message row and removes the rows an earlier run stored.
     * What those rows contributed to the roll-ups is summed by SQL over them (one row per roll-up group, so that a
     * huge report is never read into memory) into the returned batch, which subtracts it together with the new
     * reports' contributions at {@link Batch#flush()}: every roll-up row is changed once, and all of them in the one
     * order every transaction uses (two passes, one to subtract and one to add, would take the locks of the second
     * pass while holding the last ones of the first, and wait for a transaction that waits for them).
     */
    public Batch replace(Connection c, long messageId) throws SQLException {
        // Runs of the same message at once (the sweeps of two instances, a reprocess during the worker's run, the
        // retention purge) take turns on the message row, so that the later one sees, and subtracts, exactly what
        // the earlier one committed (without the lock both would subtract the same roll-up contributions).
        Batch batch = new Batch(c);
        lockMessage(c, messageId);
        // Looked for whatever processed_at says (three index probes): after a SIGKILL, H2 can come back with part of
        // a transaction, because it snapshots each table on its own while transactions commit (H2 issue #2080).
        // CrashSafetyTest met a message whose report_duplicate row survived while its row lost processed_at (or the
        // row itself, stored again from the spool); taking processed_at's word left that row in place, and the next
        // run recorded the duplicate a second time.
        if (!storedAnything(c, messageId)) {
            return batch; // the first run (almost every message): nothing to clear
        }
        batch.delta.subtractStored(c, "r.message_id = ?", messageId);
        deleteReports(c, "SELECT id FROM report WHERE message_id = ?", "message_id = ?", messageId);
        exec(c, "DELETE FROM report_duplicate WHERE message_id = ?", messageId);
        exec(c, "DELETE FROM quarantine WHERE message_id = ?", messageId);
        return batch;
    }

    /** Whether an earlier run of the message left reports, duplicates or quarantine entries. */
    private static boolean storedAnything(Connection c, long messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN EXISTS (SELECT 1 FROM report WHERE "
                + "message_id = ?) OR EXISTS (SELECT 1 FROM report_duplicate WHERE message_id = ?) OR EXISTS "
                + "(SELECT 1 FROM quarantine WHERE message_id = ?) THEN 1 ELSE 0 END")) {
            Sql.bind(ps, messageId, messageId, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    /**
     * Deletes reports and every row that hangs on them: failure details, policies, and the rows of domain_report (V12)
     * and report_other_policy (V16); the reports last. The one place that knows them, for processing again and for
     * the retention purge. What the reports added to the roll-ups is the caller's to subtract, read before this.
     *
     * @param ids   SQL giving the reports' ids, with {@code arg} ("?" for one report)
     * @param which the same reports as a condition on the report table, with {@code arg}
     * @return failure details deleted, reports deleted
     */
    static long[] deleteReports(Connection c, String ids, String which, Object arg) throws SQLException {
        String hanging = " WHERE report_id IN (" + ids + ")";
        long details = exec(c, "DELETE FROM failure_detail" + hanging, arg);
        exec(c, "DELETE FROM policy" + hanging, arg);
        exec(c, "DELETE FROM domain_report" + hanging, arg);
        exec(c, "DELETE FROM report_other_policy" + hanging, arg);
        long reports = exec(c, "DELETE FROM report WHERE " + which, arg);
        return new long[]{details, reports};
    }

    /** Locks the message row (if there is one) until the end of the transaction. */
    static void lockMessage(Connection c, long messageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM message WHERE id = ? FOR UPDATE")) {
            Sql.bind(ps, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    /**
     * Stores many reports in the caller's transaction (the benchmark seeder; processing starts with
     * {@link #replace}): prepared statements kept open, failure details inserted in JDBC batches, and the roll-up
     * changes of all the reports summed and applied once per roll-up row at {@link Batch#flush()} (which must be
     * called before the commit).
     */
    public Batch batch(Connection c) {
        return new Batch(c);
    }

    /** See {@link #batch}. Not thread-safe: one per connection and transaction. */
    public static final class Batch implements AutoCloseable {
        private static final int ROW_BATCH = 1000;
        private final Connection c;
        private final Rollups.Delta delta = new Rollups.Delta();
        private PreparedStatement report;
        private PreparedStatement policy;
        private PreparedStatement failure;
        private PreparedStatement domain;
        private PreparedStatement other;
        private int pendingFailures;
        private int pendingDomains;
        private int pendingOthers;

        private Batch(Connection c) {
            this.c = c;
        }

        /** Stores the report, or records it as a duplicate of the one stored under the same key. */
        public StoreOutcome store(ReportRow r, Instant now) throws SQLException {
            String key = r.key();
            Long existing = existingReport(c, key);
            if (existing != null) {
                recordDuplicate(c, key, r, now);
                return new StoreOutcome.Duplicate(existing);
            }
            Savepoint sp = c.setSavepoint();
            long reportId;
            try {
                reportId = insertReport(r, key, now);
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                // Another instance stored the same key between our look-up and our insert: the unique constraint
                // decides who was first, and we are the duplicate.
                if (!Sql.isUniqueViolation(e)) {
                    throw e;
                }
                c.rollback(sp);
                recordDuplicate(c, key, r, now);
                return new StoreOutcome.Duplicate(existingReport(c, key));
            }
            Set<String> domains = new LinkedHashSet<>();
            if (r.reportDomain() != null) {
                domains.add(r.reportDomain());
            }
            for (PolicyRow p : r.policies()) {
                long policyId = insertPolicy(reportId, p);
                if (r.reportDomain() != null && p.domain() != null && !p.domain().equals(r.reportDomain())) {
                    addOtherPolicy(reportId, policyId, r);
                }
                for (FailureRow f : p.failures()) {
                    addFailure(reportId, policyId, f);
                }
                domains.add(p.domain());
            }
            addDomains(reportId, r, domains);
            delta.add(r, 1);
            return new StoreOutcome.Stored(reportId);
        }

        /** Inserts the failure details and domain_report rows still batched and applies the roll-up changes. */
        public void flush() throws SQLException {
            if (pendingFailures > 0) {
                failure.executeBatch();
                pendingFailures = 0;
            }
            if (pendingDomains > 0) {
                domain.executeBatch();
                pendingDomains = 0;
            }
            if (pendingOthers > 0) {
                other.executeBatch();
                pendingOthers = 0;
            }
            delta.apply(c);
        }

        /** The report's rows in domain_report (schema V12): the domain it was sent for and those its policies name. */
        private void addDomains(long reportId, ReportRow r, Set<String> domains) throws SQLException {
            if (domain == null) {
                domain = c.prepareStatement("INSERT INTO domain_report (domain, utc_day, report_id, authenticated, "
                        + "foreign_domain) VALUES (?,?,?,?,?)");
            }
            for (String d : domains) {
                Sql.bind(domain, d, r.day(), reportId, r.authenticated(), r.foreignDomain());
                domain.addBatch();
                if (++pendingDomains >= ROW_BATCH) {
                    domain.executeBatch();
                    pendingDomains = 0;
                }
            }
        }

        /** A policy of the report for another domain than the one it was sent for (schema V16). */
        private void addOtherPolicy(long reportId, long policyId, ReportRow r) throws SQLException {
            if (other == null) {
                other = c.prepareStatement("INSERT INTO report_other_policy (report_domain, utc_day, policy_id, "
                        + "report_id, authenticated, foreign_domain) VALUES (?,?,?,?,?,?)");
            }
            Sql.bind(other, r.reportDomain(), r.day(), policyId, reportId, r.authenticated(), r.foreignDomain());
            other.addBatch();
            if (++pendingOthers >= ROW_BATCH) {
                other.executeBatch();
                pendingOthers = 0;
            }
        }

        private long insertReport(ReportRow r, String key, Instant now) throws SQLException {
            if (report == null) {
                report = c.prepareStatement("INSERT INTO report (report_key, message_id, part_index, "
                        + "file_name, organization_name, report_id, start_datetime, end_datetime, start_raw, end_raw, "
                        + "contact_info, report_domain, utc_day, policy_count, total_successful, total_failure, notes, "
                        + "stored_at, authenticated, foreign_domain) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        ID);
            }
            Sql.bind(report, key, r.messageId(), r.partIndex(), Text.clip(r.fileName(), 4000),
                    r.organizationName(), r.reportId(), r.start(), r.end(), r.startRaw(), r.endRaw(),
                    r.contactInfo(), r.reportDomain(), r.day(), r.policies().size(), r.totalSuccessful(),
                    r.totalFailure(), Text.clip(r.notes(), 4000), now, r.authenticated(), r.foreignDomain());
            report.executeUpdate();
            try (ResultSet keys = report.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }

        private long insertPolicy(long reportId, PolicyRow p) throws SQLException {
            if (policy == null) {
                policy = c.prepareStatement("INSERT INTO policy (report_id, policy_index, policy_type, "
                        + "policy_type_group, policy_domain, domain, policy_string, mx_host, total_successful, "
                        + "total_failure) VALUES (?,?,?,?,?,?,?,?,?,?)", ID);
            }
            Sql.bind(policy, reportId, p.position(), p.policyType(), p.policyTypeGroup(), p.policyDomain(),
                    p.domain(), p.policyString(), p.mxHost(), p.totalSuccessful(), p.totalFailure());
            policy.executeUpdate();
            try (ResultSet keys = policy.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }

        private void addFailure(long reportId, long policyId, FailureRow f) throws SQLException {
            if (failure == null) {
                failure = c.prepareStatement("INSERT INTO failure_detail (policy_id, report_id, "
                        + "result_type, result_type_group, sending_mta_ip, receiving_mx_hostname, receiving_mx_norm, "
                        + "receiving_mx_helo, receiving_ip, failed_session_count, additional_information, "
                        + "failure_reason_code) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
            }
            Sql.bind(failure, policyId, reportId, f.resultType(), f.resultTypeGroup(), f.sendingMtaIp(),
                    f.receivingMxHostname(), f.receivingMxNorm(), f.receivingMxHelo(), f.receivingIp(),
                    f.failedSessionCount(), f.additionalInformation(), f.failureReasonCode());
            failure.addBatch();
            if (++pendingFailures >= ROW_BATCH) {
                failure.executeBatch();
                pendingFailures = 0;
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement ps : new PreparedStatement[]{report, policy, failure, domain, other}) {
                if (ps != null) {
                    ps.close();
                }
            }
        }
    }

    public void quarantine(Connection c, long messageId, Integer partIndex, String fileName, String code,
                           String reason, Instant now) throws SQLException {
        exec(c, "INSERT INTO quarantine (message_id, part_index, file_name, code, reason, created_at) "
                        + "VALUES (?,?,?,?,?,?)", messageId, partIndex, Text.clip(fileName, 4000),
                Text.clip(code, 64), Text.clip(reason, 4000), now);
    }

    public void finish(Connection c, long messageId, MessageHeaders facts, DkimColumns dkim, String state,
                       int stored, int duplicates, int problems, Instant now) throws SQLException {
        exec(c, "UPDATE message SET state = ?, processed_at = ?, subject = ?, from_header = ?, "
                        + "message_id_header = ?, date_header = ?, tls_report_domain = ?, tls_report_submitter = ?, "
                        + "reports_stored = ?, duplicates = ?, problems = ?, last_error = NULL, retry_at = NULL, "
                        + "dkim_status = ?, dkim_domain = ?, dkim_selector = ?, dkim_aligned_from = ?, "
                        + "dkim_aligned_submitter = ?, dkim_tlsrpt_service = ?, dkim_reason = ? WHERE id = ?",
                state, now, Text.clip(facts.subject(), 4000), Text.clip(facts.from(), 4000),
                Text.clip(facts.messageId(), 4000), Text.clip(facts.date(), 1000),
                Text.clip(facts.tlsReportDomain(), 1024), Text.clip(facts.tlsReportSubmitter(), 1024), stored,
                duplicates, problems, dkim.status(), Text.clip(dkim.domain(), 1024), Text.clip(dkim.selector(), 1024),
                dkim.alignedWithFrom(), dkim.alignedWithSubmitter(), dkim.tlsrptService(),
                Text.clip(dkim.reason(), 1000), messageId);
    }

    /** Leaves the message unprocessed until {@code retryAt}: its DKIM key could not be fetched now. */
    public void defer(Connection c, long messageId, DkimColumns dkim, Instant retryAt) throws SQLException {
        exec(c, "UPDATE message SET retry_at = ?, dkim_status = ?, dkim_domain = ?, dkim_selector = ?, "
                        + "dkim_reason = ?, last_error = ? WHERE id = ?", retryAt, dkim.status(),
                Text.clip(dkim.domain(), 1024), Text.clip(dkim.selector(), 1024), Text.clip(dkim.reason(), 1000),
                Text.clip("DKIM key not available now; retrying at " + retryAt, 4000), messageId);
    }

    private static Long existingReport(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM report WHERE report_key = ?")) {
            Sql.bind(ps, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static void recordDuplicate(Connection c, String key, ReportRow r, Instant now) throws SQLException {
        exec(c, "INSERT INTO report_duplicate (report_key, message_id, part_index, received_at) VALUES (?,?,?,?)",
                key, r.messageId(), r.partIndex(), now);
    }

    /** Runs one statement; answers the rows it changed. */
    static int exec(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, values);
            return ps.executeUpdate();
        }
    }
}
