package io.tlsrpt.collector.mail;

import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Angus's multipart parser with its leniencies fixed in code. Angus reads the {@code mail.mime.multipart.*}
 * settings from System properties only, never from the Session, so setting them on the Session does nothing
 * and a {@code -D} flag elsewhere in the process could change how reports are found.
 */
final class LenientMultipart extends MimeMultipart {

    private final HeaderBudget headerBudget;

    LenientMultipart(String contentType, TrackedInput content, HeaderBudget headerBudget) throws MessagingException {
        super(new Source(contentType, content));
        this.headerBudget = headerBudget;
    }

    /** Why the header of a body part made here was not parsed (it is then empty), or null. */
    static String headerProblem(Object part) {
        return part instanceof Utf8BodyPart utf8 ? utf8.headerProblem : null;
    }

    @Override
    protected void initializeProperties() {
        // tlsrpt-be test.eml ends without the close delimiter RFC 2046 §5.1.1 requires; the finder also cuts
        // multiparts with too many parts short on purpose. The parts before the cut are kept.
        ignoreMissingEndBoundary = true;
        // A multipart without a boundary parameter (RFC 2046 §5.1.1 requires one): the first line starting
        // with "--" is taken as the boundary.
        ignoreMissingBoundaryParameter = true;
        ignoreExistingBoundaryParameter = false;
        // A multipart with no body part at all gives an empty list instead of an exception.
        allowEmpty = true;
    }

    /**
     * Body part header fields are read as UTF-8 (RFC 6532 §3), like the message's own with
     * {@code mail.mime.allowutf8}; Angus's MimeBodyPart would read them as ISO-8859-1. The content stays a
     * view into the shared message bytes. A header over the {@link HeaderBudget} is not parsed at all.
     */
    @Override
    protected MimeBodyPart createMimeBodyPart(InputStream in) throws MessagingException {
        if (!(in instanceof TrackedInput tracked)) {
            throw new MessagingException("body part is not held in memory");
        }
        String problem = headerBudget.take(tracked);
        if (problem != null) {
            return new Utf8BodyPart(new InternetHeaders(), tracked.newStream(0, -1), problem);
        }
        InternetHeaders headers = new InternetHeaders(tracked, true);
        return new Utf8BodyPart(headers, tracked.newStream(tracked.position() - tracked.from(), -1), null);
    }

    /** A body part whose header was parsed (or refused) by the caller. */
    private static final class Utf8BodyPart extends MimeBodyPart {

        private final String headerProblem;

        Utf8BodyPart(InternetHeaders parsedHeaders, InputStream content, String headerProblem) {
            headers = parsedHeaders;
            contentStream = content;
            this.headerProblem = headerProblem;
        }
    }

    /** Hands Angus the content bytes; each call gives a fresh view of the same bytes. */
    private record Source(String contentType, TrackedInput content) implements DataSource {

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public InputStream getInputStream() {
            return content.newStream(0, -1);
        }

        @Override
        public OutputStream getOutputStream() {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public String getName() {
            return "multipart";
        }
    }
}
