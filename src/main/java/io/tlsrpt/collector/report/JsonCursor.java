package io.tlsrpt.collector.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The token stream of one report, with the checks every reader needs: JSON types, string length, counts, and
 * bounded skipping of members nobody asked for. Paths for error details are computed from Jackson's parsing context
 * only when something is wrong, so that reading 100,000 failure details builds no path strings.
 */
final class JsonCursor {

    /** Reads the value the cursor is on; returns false, without reading, for a member it does not know. */
    @FunctionalInterface
    interface MemberReader {
        boolean read(String name) throws IOException;
    }

    /** Reads one array element; the cursor is on its first token. */
    @FunctionalInterface
    interface ElementReader {
        void read(int index) throws IOException;
    }

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    final JsonParser parser;
    final JsonFactory factory;
    final ParseLimits limits;
    final Notes notes;

    JsonCursor(JsonParser parser, JsonFactory factory, ParseLimits limits, Notes notes) {
        this.parser = parser;
        this.factory = factory;
        this.limits = limits;
        this.notes = notes;
    }

    JsonToken next() throws IOException {
        JsonToken t = parser.nextToken();
        if (t == null) {
            // Jackson reports end of input inside a structure itself; this is a second line of defence.
            throw new Rejection(ParseOutcome.Unusable.INVALID_JSON, path() + ": unexpected end of input");
        }
        return t;
    }

    /**
     * Reads the members of the object the cursor is on, ending on its END_OBJECT. Members the reader does not know
     * are skipped, still bounded by the limits. RFC 8460 says "unknown fields SHALL be ignored" only of the TXT record
     * (§3); for the JSON report it is silent, but skipping is the only way a later revision or a vendor can add a
     * member without every existing collector rejecting its reports.
     */
    void members(MemberReader reader) throws IOException {
        expect(JsonToken.START_OBJECT, "object");
        Set<String> seen = null;
        while (next() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            next();
            if (seen != null && seen.contains(name)) {
                // I-JSON (RFC 7493 §2.3) forbids duplicate names; parsers differ on which one wins, so a report
                // with two "report-id"s or two counts means two different things to two readers.
                throw new Rejection(ParseOutcome.Unusable.DUPLICATE_FIELD, path());
            }
            if (reader.read(name)) {
                if (seen == null) {
                    seen = new HashSet<>(8);
                }
                seen.add(name);
            } else {
                skipValue();
            }
        }
    }

    /** Reads the elements of the array the cursor is on, ending on its END_ARRAY. */
    void elements(ElementReader reader) throws IOException {
        expect(JsonToken.START_ARRAY, "array");
        int index = 0;
        while (next() != JsonToken.END_ARRAY) {
            reader.read(index++);
        }
    }

    boolean isNull() {
        return parser.currentToken() == JsonToken.VALUE_NULL;
    }

    /** A string value as sent; null for JSON null. */
    String string() throws IOException {
        JsonToken t = parser.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw wrongType("string");
        }
        checkLength();
        return parser.getText();
    }

    /**
     * An optional string: absent, null and "" all read as null. parsedmarc's empty_failure_detail_fields.json
     * (modelled on Google reports with "sending-mta-ip": "", PS.MTA-STS PR #33) needs the empty case.
     */
    String optionalString() throws IOException {
        String s = string();
        if (s != null && s.isEmpty()) {
            notes.add(Notes.EMPTY_STRING);
            return null;
        }
        return s;
    }

    /** A required string: null and "" are as good as missing. */
    String requiredString() throws IOException {
        String s = string();
        if (s == null || s.isEmpty()) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, path());
        }
        return s;
    }

    /**
     * A session count (RFC 8460 §4.4: an integer): non-negative and within a long. Null for JSON null; the caller
     * decides whether that is allowed.
     */
    Long count() throws IOException {
        JsonToken t = parser.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = parser.getNumberType();
            if (type == JsonParser.NumberType.BIG_INTEGER) {
                throw invalidCount("does not fit in a 64-bit integer");
            }
            long v = parser.getLongValue();
            if (v < 0) {
                throw invalidCount("negative");
            }
            return v;
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            throw invalidCount("not an integer");
        }
        if (t == JsonToken.VALUE_STRING) {
            // No sender in the corpus does this. The proto3 JSON mapping writes 64-bit integers as decimal strings,
            // so a reporter built on it would send "12"; the digits alone are unambiguous, so accept them.
            checkLength();
            String s = parser.getText();
            if (DIGITS.matcher(s).matches()) {
                try {
                    long v = Long.parseLong(s);
                    notes.add(Notes.COUNT_AS_STRING);
                    return v;
                } catch (NumberFormatException e) {
                    throw invalidCount("does not fit in a 64-bit integer");
                }
            }
            throw invalidCount("string that is not a non-negative integer: " + Details.quote(s));
        }
        throw invalidCount("expected a number, got " + JsonPaths.describe(t));
    }

    /** Skips the value the cursor is on, without recursion, checking every string against the limits. */
    void skipValue() throws IOException {
        int depth = 0;
        JsonToken t = parser.currentToken();
        while (true) {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++; // Jackson enforces maxDepth (StreamReadConstraints) as it reads
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            } else if (t == JsonToken.VALUE_STRING) {
                checkLength(); // Jackson checks a string as it buffers it, but skips unread ones unchecked
            }
            if (depth == 0) {
                return;
            }
            t = next();
        }
    }

    void expect(JsonToken token, String typeName) {
        if (parser.currentToken() != token) {
            throw wrongType(typeName);
        }
    }

    Rejection wrongType(String expected) {
        return new Rejection(ParseOutcome.Unusable.WRONG_TYPE,
                path() + ": expected " + expected + ", got " + JsonPaths.describe(parser.currentToken()));
    }

    Rejection limitExceeded(String limit, long value) {
        return new Rejection(ParseOutcome.Unusable.LIMIT_EXCEEDED, limit + " (" + value + ") at " + path());
    }

    private Rejection invalidCount(String why) {
        return new Rejection(ParseOutcome.Unusable.INVALID_COUNT, path() + ": " + why);
    }

    private void checkLength() throws IOException {
        if (parser.getTextLength() > limits.maxStringLength()) {
            throw limitExceeded("maxStringLength", limits.maxStringLength());
        }
    }

    /** JSON path of the member named {@code child} inside the object the cursor has just finished. */
    String path(String child) {
        return JsonPaths.child(path(), child);
    }

    /** JSON path of the value the cursor is on (or has just closed), e.g. "policies[0].failure-details[3]". */
    String path() {
        return JsonPaths.of(parser);
    }
}
