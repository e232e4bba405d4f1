package io.tlsrpt.collector.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 8460 §4.5 wants a tlsa policy-string as one array element per TLSA record ("3 1 1 6007…"). Microsoft sends a
 * one-element array whose element is itself a JSON-encoded array, ["[\"3 1 1 6007…\",\"3 1 1 837C…\"]"]
 * (dmarc-report-viewer/microsoft.json, mox issue #237). This unpacks exactly that shape and nothing else.
 */
final class TlsaPolicyStrings {

    private TlsaPolicyStrings() {
    }

    static List<String> unpack(PolicyType type, List<String> lines, JsonCursor in) {
        if (type.known().orElse(null) != PolicyType.Known.TLSA || lines.size() != 1) {
            return lines;
        }
        String packed = lines.get(0).strip();
        if (!packed.startsWith("[")) {
            return lines;
        }
        List<String> records = new ArrayList<>();
        // The string is at most maxStringLength chars and the factory carries the same constraints, so this inner
        // parse is as bounded as the outer one.
        try (JsonParser p = in.factory.createParser(packed)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return lines;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
                if (records.size() >= in.limits.maxPolicyStringLines()) {
                    throw in.limitExceeded("maxPolicyStringLines", in.limits.maxPolicyStringLines());
                }
                records.add(p.getText());
            }
            if (t != JsonToken.END_ARRAY || p.nextToken() != null || records.isEmpty()) {
                return lines; // not an array of strings after all: keep the line exactly as sent
            }
        } catch (IOException e) {
            return lines; // not JSON: a TLSA record line that happens to start with '[', kept as sent
        }
        in.notes.add(Notes.TLSA_PACKED);
        return records;
    }
}
