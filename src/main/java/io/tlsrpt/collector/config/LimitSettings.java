package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code tlsrpt.limits.*}: bounds on what one message or report may make us read (RFC 8460 §7: reports come
 * from strangers).
 *
 * @param maxReportSize       decompressed bytes per report; more is refused as a gzip/zip bomb
 * @param maxMimeParts        MIME parts per message
 * @param maxMimeDepth        nesting of multiparts and forwarded messages
 * @param maxPolicies         policies per report
 * @param maxFailureDetails   failure details per report
 * @param maxStringLength     characters in one JSON string
 * @param maxJsonDepth        JSON nesting
 * @param maxHeaderBytes      bytes of one header block (of the message or of a MIME part)
 * @param maxHeaderLines      header lines in a whole message
 * @param maxLineLength       bytes of one header line
 */
@ConfigurationProperties("tlsrpt.limits")
public record LimitSettings(
        @Bindable(defaultValue = "52428800") long maxReportSize,
        @Bindable(defaultValue = "1000") int maxMimeParts,
        @Bindable(defaultValue = "10") int maxMimeDepth,
        @Bindable(defaultValue = "10000") int maxPolicies,
        @Bindable(defaultValue = "100000") int maxFailureDetails,
        @Bindable(defaultValue = "65536") int maxStringLength,
        @Bindable(defaultValue = "64") int maxJsonDepth,
        @Bindable(defaultValue = "1048576") int maxHeaderBytes,
        @Bindable(defaultValue = "50000") int maxHeaderLines,
        @Bindable(defaultValue = "65536") int maxLineLength) {
}
