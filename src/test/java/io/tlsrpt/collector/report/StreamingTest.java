package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A report larger than the test heap could hold as a tree reads fine, because nothing but the kept values is held.
 * The input is generated as it is read, so the test itself holds no copy either.
 */
class StreamingTest {
    static final String HEAD = "{\"organization-name\":\"Big\",\"date-range\":{\"start-datetime\":\"2024-06-01T00:00:00Z\","
            + "\"end-datetime\":\"2024-06-01T23:59:59Z\"},\"contact-info\":\"c@example.org\",\"report-id\":\"big\","
            + "\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"example.com\"},"
            + "\"summary\":{\"total-successful-session-count\":0,\"total-failure-session-count\":0},\"failure-details\":[";
    static final String TAIL = "]}]}";
    static final String PADDING = "p".repeat(500);

    /** HEAD, then {@code count} failure details each with an unknown 500-char member, then TAIL. */
    static final class GeneratedReport extends InputStream {
        private final int count;
        private int produced;
        private byte[] chunk = HEAD.getBytes(StandardCharsets.US_ASCII);
        private int pos;
        long bytesServed;
        boolean closed;

        GeneratedReport(int count) {
            this.count = count;
        }

        @Override
        public int read() {
            if (pos == chunk.length && !nextChunk()) {
                return -1;
            }
            bytesServed++;
            return chunk[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos == chunk.length && !nextChunk()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            bytesServed += n;
            return n;
        }

        private boolean nextChunk() {
            if (produced > count) {
                return false;
            }
            String next;
            if (produced == count) {
                next = TAIL;
            } else {
                next = (produced == 0 ? "" : ",") + "{\"result-type\":\"starttls-not-supported\",\"sending-mta-ip\":\"192.0.2."
                        + (produced % 250) + "\",\"receiving-mx-hostname\":\"mx.example.com\",\"x-padding\":\"" + PADDING
                        + "\",\"failed-session-count\":" + (produced % 7 + 1) + "}";
            }
            produced++;
            chunk = next.getBytes(StandardCharsets.US_ASCII);
            pos = 0;
            return true;
        }

        @Override
        public void close() throws IOException {
            closed = true;
        }
    }

    @Test
    void fiftyMebibyteReportIsStreamed() {
        int count = 90_000;
        GeneratedReport in = new GeneratedReport(count);
        ParseOutcome o = new ReportParser().parse(in);
        ParseOutcome.Parsed p = assertInstanceOf(ParseOutcome.Parsed.class, o, () -> o.toString());
        assertTrue(in.bytesServed > 50L * 1024 * 1024, "served " + in.bytesServed);
        assertEquals(count, p.report().policies().get(0).failureDetails().size());
        long expectedSum = 0;
        for (int i = 0; i < count; i++) {
            expectedSum += i % 7 + 1;
        }
        assertEquals(expectedSum, p.report().policies().get(0).failureDetails().stream()
                .mapToLong(FailureDetail::failedSessionCount).sum());
        assertEquals("192.0.2.249", p.report().policies().get(0).failureDetails().get(249).sendingMtaIp());
        assertFalse(in.closed, "the caller owns the stream");
    }

    @Test
    void failureDetailLimitStopsReadingEarly() {
        GeneratedReport in = new GeneratedReport(1_000_000); // about 600 MB if read to the end
        ParseLimits limits = new ParseLimits(64, 64 * 1024, 10, 1_000, 1_000);
        ParseOutcome o = new ReportParser().parse(in, limits);
        Synthetic.assertUnusable("limit-exceeded", "maxFailureDetailsPerReport (1000) at policies[0].failure-details[1000]", o);
        assertTrue(in.bytesServed < 2L * 1024 * 1024, "served " + in.bytesServed);
    }
}
