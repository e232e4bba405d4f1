package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.report.TlsReport;
import io.tlsrpt.collector.store.ReportRow;

import java.util.List;

/**
 * The package-private mapping steps of processing ({@link ReportMapper}), opened to test code that stores reports
 * through the real ingest code without a whole message (the benchmark seeder).
 */
public final class IngestAccess {
    private IngestAccess() {
    }

    /** {@link ReportMapper#reportDomain}: TLS-Report-Domain, else the Subject's, else the file name's, else a policy's. */
    public static String reportDomain(String tlsReportDomain, String subjectDomain, String fileName, TlsReport report) {
        return ReportMapper.reportDomain(tlsReportDomain, subjectDomain, fileName, report);
    }

    /** {@link ReportMapper#toRow}; throws with the reason when the report would be quarantined. */
    public static ReportRow toRow(long messageId, int partIndex, String fileName, String reportDomain, TlsReport r,
                                  List<String> notes, boolean authenticated, boolean foreignDomain) {
        ReportMapper.Mapped m = ReportMapper.toRow(messageId, partIndex, fileName, reportDomain, r, notes,
                authenticated, foreignDomain);
        if (m.row() == null) {
            throw new IllegalStateException(m.code() + ": " + m.reason());
        }
        return m.row();
    }
}
