package io.tlsrpt.collector.report;

import java.io.IOException;

/**
 * Reads one "failure-details" element of RFC 8460 §4.4. Only result-type and failed-session-count are required:
 * Microsoft leaves out sending-mta-ip (mailweave) or everything else (dmarc-report-viewer/no_ip_and_mx.json), and
 * Mail.ru sends no IP or MX keys at all.
 */
final class FailureDetailReader {
    private final JsonCursor in;

    private String resultType;
    private String sendingMtaIp;
    private String receivingMxHostname;
    private String receivingMxHelo;
    private String receivingIp;
    private Long failedSessionCount;
    private String additionalInformation;
    private String additionalInfoUri;
    private String failureReasonCode;

    FailureDetailReader(JsonCursor in) {
        this.in = in;
    }

    /** The cursor is on the element's first token; ends on its END_OBJECT. */
    FailureDetail read() throws IOException {
        resultType = null;
        sendingMtaIp = null;
        receivingMxHostname = null;
        receivingMxHelo = null;
        receivingIp = null;
        failedSessionCount = null;
        additionalInformation = null;
        additionalInfoUri = null;
        failureReasonCode = null;
        in.members(this::member);
        if (resultType == null) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path("result-type"));
        }
        if (failedSessionCount == null) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path("failed-session-count"));
        }
        String additional = additionalInformation;
        if (additional == null && additionalInfoUri != null) {
            // §4.4 names the member "additional-information" in the JSON but "additional-info-uri" in its bullet
            // list; the tls-rpt-monitor fixture uses the latter. Same meaning, so take it when the former is absent.
            in.notes.add(Notes.ADDITIONAL_INFO_URI);
            additional = additionalInfoUri;
        }
        return new FailureDetail(new ResultType(resultType), sendingMtaIp, receivingMxHostname, receivingMxHelo,
                receivingIp, failedSessionCount, additional, failureReasonCode);
    }

    private boolean member(String name) throws IOException {
        switch (name) {
            case "result-type":
                resultType = in.requiredString(); // kept verbatim, known or not (§4.3 registry can grow)
                return true;
            case "sending-mta-ip":
                sendingMtaIp = in.optionalString();
                return true;
            case "receiving-mx-hostname":
                receivingMxHostname = in.optionalString();
                return true;
            case "receiving-mx-helo":
                receivingMxHelo = in.optionalString();
                return true;
            case "receiving-ip":
                receivingIp = in.optionalString();
                return true;
            case "failed-session-count":
                failedSessionCount = in.count();
                return true;
            case "additional-information":
                additionalInformation = in.optionalString();
                return true;
            case "additional-info-uri":
                additionalInfoUri = in.optionalString();
                return true;
            case "failure-reason-code":
                failureReasonCode = in.optionalString();
                return true;
            default:
                return false;
        }
    }
}
