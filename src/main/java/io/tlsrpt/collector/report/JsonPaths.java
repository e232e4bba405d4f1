package io.tlsrpt.collector.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Names places in a report for {@link ParseOutcome.Unusable} details, from Jackson's parsing context, in the form
 * "policies[0].failure-details[3].failed-session-count"; "(root)" for the document itself.
 */
final class JsonPaths {
    static final String ROOT = "(root)";

    private JsonPaths() {
    }

    /**
     * The value the parser is on, or has just closed. On START_OBJECT/START_ARRAY Jackson has already entered the new
     * context, so start one level up; after END_OBJECT/END_ARRAY it is back in the parent, which names the value.
     */
    static String of(JsonParser parser) {
        JsonStreamContext c = parser.getParsingContext();
        JsonToken t = parser.currentToken();
        if (c != null && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
            c = c.getParent();
        }
        Deque<String> parts = new ArrayDeque<>();
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject()) {
                parts.addFirst("." + c.getCurrentName());
            } else {
                parts.addFirst("[" + c.getCurrentIndex() + "]");
            }
        }
        String joined = String.join("", parts);
        if (joined.isEmpty()) {
            return ROOT;
        }
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }

    static String child(String parent, String name) {
        return parent.equals(ROOT) ? name : parent + "." + name;
    }

    /** The JSON type of a token, in the words of RFC 8259. */
    static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        switch (t) {
            case START_OBJECT:
                return "object";
            case START_ARRAY:
                return "array";
            case VALUE_STRING:
                return "string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "boolean";
            case VALUE_NULL:
                return "null";
            default:
                return t.name();
        }
    }
}
