package io.tlsrpt.collector.report;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.io.CharConversionException;

/** Turns what Jackson throws into stable {@link ParseOutcome.Unusable} codes. */
final class JacksonErrors {

    private JacksonErrors() {
    }

    /**
     * @param cursor null when Jackson failed before a parser existed. A syntax error before the first token means the
     *               input is not JSON at all (XML, HTML, text); after it, JSON that breaks.
     */
    static ParseOutcome.Unusable outcome(JsonProcessingException e, JsonCursor cursor) {
        String message = String.valueOf(e.getOriginalMessage());
        JsonLocation loc = e.getLocation();
        if (loc == null && cursor != null) {
            loc = cursor.parser.currentLocation(); // constraint violations carry no location of their own
        }
        String where = location(loc);
        boolean started = cursor != null && cursor.parser.currentToken() != null;
        if (e instanceof StreamConstraintsException) {
            // A too-long member name is caught before Jackson moves to it, so the path would name the previous one.
            String path = cursor == null || message.contains("Name length") ? "" : " in " + cursor.path();
            return new ParseOutcome.Unusable(ParseOutcome.Unusable.LIMIT_EXCEEDED,
                    Details.clean(limitName(message, cursor) + path + " at " + where));
        }
        // Jackson reports malformed UTF-8 as a parse error whose message says so ("Invalid UTF-8 start byte 0xff").
        if (message.contains("UTF-8") || message.contains("UTF8")) {
            return new ParseOutcome.Unusable(ParseOutcome.Unusable.INVALID_UTF8, Details.clean(message + " at " + where));
        }
        if (e instanceof JsonEOFException) {
            return new ParseOutcome.Unusable(ParseOutcome.Unusable.INVALID_JSON,
                    Details.clean("unexpected end of input (truncated?) at " + where));
        }
        String code = started ? ParseOutcome.Unusable.INVALID_JSON : ParseOutcome.Unusable.NOT_JSON;
        return new ParseOutcome.Unusable(code, Details.clean(message + " at " + where));
    }

    static ParseOutcome.Unusable invalidUtf8(CharConversionException e) {
        return new ParseOutcome.Unusable(ParseOutcome.Unusable.INVALID_UTF8, Details.clean(String.valueOf(e.getMessage())));
    }

    /** A RuntimeException from Jackson or from us; reported, never thrown (one report must not stop ingest). */
    static ParseOutcome.Unusable unexpected(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        // Jackson's symbol table refuses a flood of member names with colliding hashes (a known DoS shape).
        if (e instanceof IllegalStateException && message.contains("symbol table")) {
            return new ParseOutcome.Unusable(ParseOutcome.Unusable.LIMIT_EXCEEDED,
                    Details.clean("member names: hash-collision flood (" + message + ")"));
        }
        return new ParseOutcome.Unusable(ParseOutcome.Unusable.INTERNAL_ERROR,
                Details.clean(e.getClass().getName() + ": " + message));
    }

    static String location(JsonLocation loc) {
        if (loc == null) {
            return "unknown location";
        }
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ", byte " + loc.getByteOffset();
    }

    /** Which {@link ParseLimits} member (or fixed bound) a Jackson constraint message is about. */
    private static String limitName(String message, JsonCursor cursor) {
        if (cursor == null) {
            return message;
        }
        ParseLimits limits = cursor.limits;
        if (message.contains("nesting depth")) {
            return "maxDepth (" + limits.maxDepth() + ")";
        }
        if (message.contains("String value length") || message.contains("Name length")) {
            return "maxStringLength (" + limits.maxStringLength() + ")";
        }
        if (message.contains("Number value length")) {
            return "maxNumberLength (" + ReportParser.MAX_NUMBER_LENGTH + ")";
        }
        return message;
    }
}
