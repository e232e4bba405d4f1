package io.tlsrpt.collector.mail;

import jakarta.mail.internet.MimePart;

/** Decides whether one leaf part (not multipart, not message/rfc822) is a report, and records what it is. */
final class LeafReader {

    private LeafReader() {
    }

    static void read(MessageWalker walker, MimePart part, int number, HeaderValue type, boolean inTlsReport) {
        String fileName = PartHeaders.fileName(part);
        String declared = type.value();
        boolean reportLike = ReportSniffer.formatFromName(fileName) != null
                || ReportSniffer.isReportType(declared)
                || inTlsReport && declared != null && !declared.startsWith("text/");
        byte[] body;
        try {
            body = TransferDecoding.decode(PartHeaders.transferEncoding(part), MessageWalker.content(part),
                    walker.limits().maxReportSize());
        } catch (UnreadablePartException e) {
            if (reportLike) {
                walker.problem(number, fileName, e.getMessage());
            }
            return;
        } catch (Exception e) {
            if (reportLike) {
                walker.problem(number, fileName, "unreadable part: " + Reasons.of(e));
            }
            return;
        }
        // The human-readable part of a report (text/plain from Google, text/html from Microsoft) does not start
        // with '{' and has no report file name, so it ends here.
        Format format = ReportSniffer.sniffContent(body);
        if (format == null) {
            if (reportLike) {
                walker.problem(number, fileName, "content is not gzip, zip or JSON (" + Reasons.firstBytes(body) + ")");
            }
            return;
        }
        if (format == Format.ZIP) {
            ZipReports.add(walker, number, fileName, declared, body, reportLike);
        } else {
            walker.report(fileName, declared, format, body, null);
        }
    }
}
