package io.tlsrpt.collector.web;

import io.tlsrpt.collector.report.ResultType;

import java.util.LinkedHashMap;
import java.util.Map;

/** The one-line explanations of the RFC 8460 §4.3 result types, keyed by their value, for the templates. */
final class ResultTypes {
    record Explanation(String meaning, String usualFix) {
    }

    static final Map<String, Explanation> EXPLANATIONS;

    static {
        Map<String, Explanation> m = new LinkedHashMap<>();
        for (ResultType.Known k : ResultType.Known.values()) {
            m.put(k.value, new Explanation(k.meaning, k.usualFix));
        }
        EXPLANATIONS = Map.copyOf(m);
    }

    private ResultTypes() {
    }
}
