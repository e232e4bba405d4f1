package io.tlsrpt.collector.report;

import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the "policy" object of RFC 8460 §4.4: policy-type, policy-string, policy-domain, mx-host. */
final class PolicyReader {
    private final JsonCursor in;

    private String policyType;
    private List<String> policyString;
    private String policyDomain;
    private List<String> mxHost;

    PolicyReader(JsonCursor in) {
        this.in = in;
    }

    /** The cursor is on the policy's START_OBJECT; ends on its END_OBJECT. */
    Policy read() throws IOException {
        policyType = null;
        policyString = List.of();
        policyDomain = null;
        mxHost = List.of();
        in.members(this::member);
        if (policyType == null) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path("policy-type"));
        }
        if (policyDomain == null) {
            // §4.4 requires it, but Postfix's sys4 tlsrpt-reporter leaves it out for no-policy-found (its issue #51)
            // and mail-auth/rpt03.json has none at all; the counts are still worth keeping.
            in.notes.add(Notes.NO_POLICY_DOMAIN);
        }
        PolicyType type = new PolicyType(policyType);
        List<String> lines = TlsaPolicyStrings.unpack(type, policyString, in);
        return new Policy(type, lines, policyDomain, mxHost);
    }

    private boolean member(String name) throws IOException {
        switch (name) {
            case "policy-type":
                // Kept verbatim whatever it says (mail-auth/rpt03.json: "invalid-policy-type"); see PolicyType.
                policyType = in.requiredString();
                return true;
            case "policy-string":
                // Optional in practice: Mail.ru and Microsoft (no_ip_and_mx.json) send sts policies without it.
                policyString = in.isNull() ? List.of() : strings();
                return true;
            case "policy-domain":
                policyDomain = in.optionalString();
                return true;
            case "mx-host":
                mxHost = mxHost();
                return true;
            default:
                return false;
        }
    }

    /** "policy-string": §4.5 lines as declared, errors included, so empty lines are kept too. */
    private List<String> strings() throws IOException {
        List<String> out = new ArrayList<>();
        in.elements(index -> {
            if (index >= in.limits.maxPolicyStringLines()) {
                throw in.limitExceeded("maxPolicyStringLines", in.limits.maxPolicyStringLines());
            }
            in.expect(JsonToken.VALUE_STRING, "string");
            out.add(in.string());
        });
        return out;
    }

    /** "mx-host": §4.4 says an array of patterns; absent for Microsoft, Mail.ru and tlsa/no-policy-found. */
    private List<String> mxHost() throws IOException {
        if (in.isNull()) {
            return List.of();
        }
        if (in.parser.currentToken() == JsonToken.VALUE_STRING) {
            // Erratum 6241: the Appendix B example writes one string, and parsedmarc/rfc8460.json,
            // tlsrpt-be/testing.json and full-example@bbd2196.json copied it. One string is one pattern.
            in.notes.add(Notes.MX_HOST_STRING);
            List<String> out = new ArrayList<>(1);
            addMxHost(out, in.string());
            return out;
        }
        List<String> out = new ArrayList<>();
        in.elements(index -> {
            if (index >= in.limits.maxPolicyStringLines()) {
                throw in.limitExceeded("maxPolicyStringLines", in.limits.maxPolicyStringLines());
            }
            in.expect(JsonToken.VALUE_STRING, "string");
            addMxHost(out, in.string());
        });
        return out;
    }

    private void addMxHost(List<String> out, String pattern) {
        if (pattern.isEmpty()) {
            in.notes.add(Notes.EMPTY_STRING);
            return;
        }
        // dmarc-report-viewer/no-contact.json sends ["mx: mx.server.com"], the policy line instead of the pattern.
        // Kept as sent (HostNames.normalize strips it for grouping); noted so the page can say the sender erred.
        if (pattern.strip().toLowerCase(Locale.ROOT).startsWith("mx:")) {
            in.notes.add(Notes.MX_HOST_PREFIX);
        }
        out.add(pattern);
    }
}
