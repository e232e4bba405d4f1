package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tlsrpt.collector.report.Synthetic.parsed;
import static io.tlsrpt.collector.report.Synthetic.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Microsoft's TLSA policy-string packed as one JSON-encoded array: unpacked only in exactly that shape. */
class TlsaPolicyStringTest {
    static final String LINES = "[\"version: STSv1\", \"mode: enforce\", \"mx: mx.example.com\", \"max_age: 86400\"]";

    private static ParseOutcome.Parsed withPolicy(String type, String policyString) {
        return parsed(with("\"policy-type\": \"sts\"", "\"policy-type\": \"" + type + "\"").replace(LINES, policyString));
    }

    private static List<String> lines(ParseOutcome.Parsed p) {
        return p.report().policies().get(0).policy().policyString();
    }

    @Test
    void packedArrayIsUnpacked() {
        ParseOutcome.Parsed p = withPolicy("tlsa", "[\"[\\\"3 1 1 AB\\\",\\\"3 1 1 CD\\\"]\"]");
        assertEquals(List.of("3 1 1 AB", "3 1 1 CD"), lines(p));
        assertEquals(List.of(Notes.TLSA_PACKED), p.notes());
    }

    @Test
    void policyTypeMatchesCaseInsensitively() {
        assertEquals(List.of("3 1 1 AB"), lines(withPolicy("TLSA", "[\"[\\\"3 1 1 AB\\\"]\"]")));
    }

    @Test
    void ordinaryTlsaLinesAreLeftAlone() {
        ParseOutcome.Parsed p = withPolicy("tlsa", "[\"3 1 1 AB\", \"3 1 1 CD\"]");
        assertEquals(List.of("3 1 1 AB", "3 1 1 CD"), lines(p));
        assertEquals(List.of(), p.notes());
        assertEquals(List.of("3 1 1 AB"), lines(withPolicy("tlsa", "[\"3 1 1 AB\"]")));
    }

    @Test
    void onlyAnArrayOfStringsIsUnpacked() {
        for (String single : List.of("[1,2]", "[\\\"a\\\"] x", "[not json", "[]", "[\\\"a\\\", null]", "[[\\\"a\\\"]]")) {
            ParseOutcome.Parsed p = withPolicy("tlsa", "[\"" + single + "\"]");
            assertEquals(1, lines(p).size(), single);
            assertEquals(List.of(), p.notes(), single);
        }
    }

    @Test
    void otherPolicyTypesAreNotUnpacked() {
        ParseOutcome.Parsed p = withPolicy("sts", "[\"[\\\"a\\\",\\\"b\\\"]\"]");
        assertEquals(List.of("[\"a\",\"b\"]"), lines(p));
    }

    @Test
    void twoPackedElementsAreNotUnpacked() {
        ParseOutcome.Parsed p = withPolicy("tlsa", "[\"[\\\"a\\\"]\", \"[\\\"b\\\"]\"]");
        assertEquals(List.of("[\"a\"]", "[\"b\"]"), lines(p));
    }

    @Test
    void unpackedRecordsCountAgainstTheLineLimit() {
        ParseLimits two = new ParseLimits(64, 64 * 1024, 10, 10, 2);
        String json = with("\"policy-type\": \"sts\"", "\"policy-type\": \"tlsa\"")
                .replace(LINES, "[\"[\\\"a\\\",\\\"b\\\",\\\"c\\\"]\"]").replace("\"mx-host\": [\"mx.example.com\"]", "\"mx-host\": []");
        Synthetic.assertUnusable("limit-exceeded", "maxPolicyStringLines (2) at policies[0].policy",
                Synthetic.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), two));
    }
}
