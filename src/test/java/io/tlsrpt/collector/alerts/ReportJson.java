package io.tlsrpt.collector.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/** RFC 8460 §4 reports made for a test: one STS policy, a day, sessions and failure details. */
public final class ReportJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode root = JSON.createObjectNode();
    private final ObjectNode policy;
    private final ArrayNode failures;
    private long failed;

    private ReportJson(String organization, String reportId, LocalDate day, String domain, long successful) {
        root.put("organization-name", organization);
        ObjectNode range = root.putObject("date-range");
        range.put("start-datetime", day + "T00:00:00Z");
        range.put("end-datetime", day + "T23:59:59Z");
        root.put("contact-info", "tlsrpt@" + organization);
        root.put("report-id", reportId);
        policy = root.putArray("policies").addObject();
        ObjectNode p = policy.putObject("policy");
        p.put("policy-type", "sts");
        p.putArray("policy-string").add("version: STSv1").add("mode: enforce").add("mx: mx1." + domain)
                .add("max_age: 86400");
        p.put("policy-domain", domain);
        p.putArray("mx-host").add("mx1." + domain);
        ObjectNode summary = policy.putObject("summary");
        summary.put("total-successful-session-count", successful);
        summary.put("total-failure-session-count", 0);
        failures = policy.putArray("failure-details");
    }

    public static ReportJson of(String organization, String reportId, LocalDate day, String domain, long successful) {
        return new ReportJson(organization, reportId, day, domain, successful);
    }

    public ReportJson failure(String resultType, String mx, long sessions) {
        ObjectNode f = failures.addObject();
        f.put("result-type", resultType);
        f.put("sending-mta-ip", "192.0.2.10");
        f.put("receiving-mx-hostname", mx);
        f.put("receiving-ip", "198.51.100.20");
        f.put("failed-session-count", sessions);
        failed += sessions;
        ((ObjectNode) policy.get("summary")).put("total-failure-session-count", failed);
        return this;
    }

    public byte[] bytes() {
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }
}
