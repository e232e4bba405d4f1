package io.tlsrpt.collector.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Reads one RFC 8460 §4.4 report body (JSON, already decompressed) into a {@link TlsReport}, streaming: only the
 * values kept are held in memory, never a tree of the document, so a 50 MiB report costs what its failure details
 * cost (about 100 bytes each plus their strings). Lenient exactly where real senders need it (each place says which
 * sender and why, and each use is listed in {@link ParseOutcome.Parsed#notes()}), strict elsewhere. Thread-safe;
 * holds no state between calls.
 *
 * <p>Never throws for anything in the input: every failure, a parser bug included, comes back as
 * {@link ParseOutcome.Unusable}. It does not close the stream. It does not bound the document's total length: cap
 * the decompressed size before it (mox uses 20 MB), since kept strings are bounded only by that.
 *
 * <p>Pipeline: {@link Preamble} (BOM, UTF-16/32, gzip/zip sniffing) → {@link Utf8Guard} (strict UTF-8) → Jackson's
 * streaming parser with {@link StreamReadConstraints} from the limits → {@link ReportReader} and the readers below it.
 */
public final class ReportParser {

    /**
     * Longest number token, in chars. Not a {@link ParseLimits} member because no legitimate value comes near it: a
     * count has at most 19 digits, and a longer number in an unknown member is only there to cost CPU.
     */
    static final int MAX_NUMBER_LENGTH = 100;

    public ParseOutcome parse(InputStream json) {
        return parse(json, ParseLimits.defaults());
    }

    public ParseOutcome parse(InputStream json, ParseLimits limits) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(limits, "limits");
        Notes notes = new Notes();
        try {
            InputStream body = new Utf8Guard(Preamble.open(json, notes));
            JsonFactory factory = factory(limits);
            try (JsonParser parser = factory.createParser(body)) {
                JsonCursor cursor = new JsonCursor(parser, factory, limits, notes);
                try {
                    return read(cursor);
                } catch (JsonProcessingException e) {
                    return JacksonErrors.outcome(e, cursor);
                }
            }
        } catch (Rejection r) {
            return r.toOutcome();
        } catch (JsonProcessingException e) {
            return JacksonErrors.outcome(e, null);
        } catch (CharConversionException e) {
            return JacksonErrors.invalidUtf8(e);
        } catch (IOException | UncheckedIOException e) {
            return new ParseOutcome.Unusable(ParseOutcome.Unusable.READ_ERROR,
                    Details.clean(e.getClass().getSimpleName() + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            return JacksonErrors.unexpected(e);
        }
    }

    private static ParseOutcome read(JsonCursor cursor) throws IOException {
        JsonParser parser = cursor.parser;
        JsonToken first = parser.nextToken();
        if (first == null) {
            return new ParseOutcome.Unusable(ParseOutcome.Unusable.EMPTY, JsonPaths.ROOT + ": no JSON value");
        }
        if (first != JsonToken.START_OBJECT) {
            throw cursor.wrongType("object (the report)");
        }
        TlsReport report = new ReportReader(cursor).read();
        if (parser.nextToken() != null) {
            // Two reports pasted together, or garbage after one: which part would be the report?
            return new ParseOutcome.Unusable(ParseOutcome.Unusable.INVALID_JSON,
                    Details.clean(JsonPaths.ROOT + ": content after the report object at "
                            + JacksonErrors.location(parser.currentTokenLocation())));
        }
        return new ParseOutcome.Parsed(report, cursor.notes.list());
    }

    /** One factory per parse: cheap, and no symbol table or buffer outlives a hostile document. */
    private static JsonFactory factory(ParseLimits limits) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxStringLength(limits.maxStringLength())
                .maxNameLength(limits.maxStringLength())
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .build();
        return JsonFactory.builder()
                .streamReadConstraints(constraints)
                // The caller owns the stream (it may be a MIME part or an HTTP body).
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                // Error messages must not quote the document beyond the offending token.
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                // Encoding is settled by Preamble: UTF-8 only (I-JSON). No silent UTF-16/32 detection.
                .disable(JsonFactory.Feature.CHARSET_DETECTION)
                // Member names from hostile input must not go into the JVM-wide string pool.
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }
}
