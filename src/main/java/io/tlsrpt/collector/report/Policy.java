package io.tlsrpt.collector.report;

import java.util.List;

/**
 * "policy", RFC 8460 §4.4.
 *
 * @param policyType   "policy-type"; unknown values are kept verbatim
 * @param policyString "policy-string" lines; empty when absent. A Microsoft TLSA policy-string packed as one
 *                     JSON-encoded array is already unpacked into one line per TLSA record.
 * @param policyDomain "policy-domain" as sent; null when absent (Postfix's sys4 reporter, rpt03.json)
 * @param mxHost       "mx-host" patterns as sent (a lone string becomes a one-element list, erratum 6241);
 *                     empty when absent
 */
public record Policy(PolicyType policyType, List<String> policyString, String policyDomain, List<String> mxHost) {
    public Policy {
        policyString = List.copyOf(policyString);
        mxHost = List.copyOf(mxHost);
    }
}
