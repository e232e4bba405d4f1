package io.tlsrpt.collector.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks one message's MIME tree depth-first, in document order, within {@link MailLimits}. Every body part
 * found is numbered (the message itself is 0); the numbers appear in {@link PartProblem#index()}.
 */
final class MessageWalker {

    private final MailLimits limits;
    private final Session session;
    private final List<ReportPart> parts = new ArrayList<>();
    private final List<PartProblem> problems = new ArrayList<>();
    private final HeaderBudget headerBudget;
    private int partCount;
    private boolean tooManyReported;
    private boolean tooDeepReported;
    private MessageFacts facts = MessageFacts.none();
    private MessageFacts innerFacts;

    MessageWalker(MailLimits limits, Session session) {
        this.limits = limits;
        this.session = session;
        this.headerBudget = new HeaderBudget(limits);
    }

    /** Parses and walks the message in {@code raw}. */
    void walk(TrackedInput raw) throws MessagingException {
        String headerProblem = headerBudget.take(raw);
        if (headerProblem != null) {
            messageProblem(headerProblem);
            return;
        }
        MimeMessage message = new MimeMessage(session, raw);
        facts = FactsReader.read(message);
        if (!FactsReader.looksLikeMessage(message)) {
            messageProblem("not a MIME message: no From, Date, MIME-Version or Content-Type header");
        }
        visit(message, 0, 0, HeaderValue.ABSENT);
    }

    /** Facts of the message's own header, or {@link MessageFacts#none()} when it could not be read. */
    MessageFacts facts() {
        return facts;
    }

    List<ReportPart> parts() {
        return parts;
    }

    List<PartProblem> problems() {
        return problems;
    }

    /** Facts of the first forwarded message/rfc822 that has a TLS-Report-Domain, or null. */
    MessageFacts innerFacts() {
        return innerFacts;
    }

    MailLimits limits() {
        return limits;
    }

    void report(String fileName, String declaredType, Format format, byte[] body, String zipEntry) {
        parts.add(new ReportPart(parts.size(), fileName, declaredType, format, body, zipEntry));
    }

    void problem(int number, String fileName, String reason) {
        problems.add(new PartProblem(number, fileName, reason));
    }

    void messageProblem(String reason) {
        problem(PartProblem.MESSAGE, null, reason);
    }

    /** Takes one part (or zip entry) from the budget; false, reported once, when it is used up. */
    boolean takePart() {
        if (partCount >= limits.maxParts()) {
            tooManyParts();
            return false;
        }
        partCount++;
        return true;
    }

    int remainingParts() {
        return limits.maxParts() - partCount;
    }

    void tooManyParts() {
        if (!tooManyReported) {
            tooManyReported = true;
            messageProblem("too many parts (more than " + limits.maxParts() + ")");
        }
    }

    /**
     * @param parent the Content-Type of the enclosing multipart, {@link HeaderValue#ABSENT} for a message
     */
    private void visit(MimePart part, int number, int depth, HeaderValue parent) {
        HeaderValue type = PartHeaders.contentType(part);
        String base = type.value();
        if (base == null && "multipart/digest".equals(parent.value())) {
            // In a digest, a part without Content-Type is a message/rfc822 (RFC 2046 §5.1.5): reports sent to
            // a mailing list address arrive this way for digest subscribers.
            base = "message/rfc822";
        }
        // In multipart/report; report-type=tlsrpt every part that is not human-readable text is expected to
        // be the report (RFC 8460 §5.3), so it is worth a problem when it cannot be read.
        boolean inTlsReport = "multipart/report".equals(parent.value())
                && "tlsrpt".equalsIgnoreCase(parent.param("report-type"));
        try {
            if (base != null && base.startsWith("multipart/")) {
                visitMultipart(part, type, number, depth);
            } else if ("message/rfc822".equals(base) || "message/global".equals(base)) {
                // message/global (RFC 6532 §3.7) is message/rfc822 with UTF-8 header fields.
                visitMessage(part, number, depth);
            } else {
                LeafReader.read(this, part, number, type, inTlsReport);
            }
        } catch (MessagingException | IOException | RuntimeException e) {
            problem(number, PartHeaders.fileName(part), "unreadable part: " + Reasons.of(e));
        }
    }

    private void visitMultipart(MimePart part, HeaderValue type, int number, int depth)
            throws MessagingException, IOException {
        if (!deeper(depth)) {
            return;
        }
        // Any Content-Transfer-Encoding on a multipart is ignored, as Angus does: RFC 2045 §6.4 allows only
        // 7bit, 8bit and binary there.
        TrackedInput content = content(part);
        BoundaryScanner.Cut cut = BoundaryScanner.scan(content, type.param("boundary"), remainingParts());
        if (cut.exceeded()) {
            tooManyParts();
        }
        LenientMultipart multipart = new LenientMultipart(angusType(cut.boundary()), content.prefix(cut.end()),
                headerBudget);
        int count;
        try {
            count = multipart.getCount();
        } catch (MessagingException e) {
            problem(number, PartHeaders.fileName(part), "malformed multipart: " + Reasons.of(e));
            return;
        }
        for (int i = 0; i < count; i++) {
            if (!takePart()) {
                return;
            }
            MimeBodyPart child = (MimeBodyPart) multipart.getBodyPart(i);
            String headerProblem = LenientMultipart.headerProblem(child);
            if (headerProblem != null) {
                problem(partCount, null, headerProblem);
                continue;
            }
            visit(child, partCount, depth + 1, type);
        }
    }

    /** A forwarded report: the whole e-mail attached as message/rfc822 (RFC 2046 §5.2.1). */
    private void visitMessage(MimePart part, int number, int depth) throws MessagingException, IOException {
        if (!deeper(depth)) {
            return;
        }
        TrackedInput content = content(part);
        String encoding = PartHeaders.transferEncoding(part);
        if (encoding != null && !encoding.equals("7bit") && !encoding.equals("8bit") && !encoding.equals("binary")) {
            // RFC 2046 §5.2.1 forbids encoding a message/rfc822, but some mail clients base64 it anyway.
            try {
                byte[] decoded = TransferDecoding.decode(encoding, content, content.length());
                content = new TrackedInput(decoded, 0, decoded.length);
            } catch (UnreadablePartException e) {
                problem(number, PartHeaders.fileName(part), e.getMessage());
                return;
            }
        }
        String headerProblem = headerBudget.take(content);
        if (headerProblem != null) {
            problem(number, PartHeaders.fileName(part), headerProblem);
            return;
        }
        MimeMessage inner = new MimeMessage(session, content);
        if (innerFacts == null) {
            MessageFacts facts = FactsReader.read(inner);
            if (facts.tlsReportDomain() != null) {
                innerFacts = facts;
            }
        }
        visit(inner, number, depth + 1, HeaderValue.ABSENT);
    }

    /** True when one more level is allowed; otherwise reports "too deep" once. */
    private boolean deeper(int depth) {
        if (depth + 1 <= limits.maxDepth()) {
            return true;
        }
        if (!tooDeepReported) {
            tooDeepReported = true;
            messageProblem("too deep (more than " + limits.maxDepth() + " levels of nesting)");
        }
        return false;
    }

    /** The part's raw content: always a view into the shared message bytes, never a copy. */
    static TrackedInput content(MimePart part) throws MessagingException, IOException {
        InputStream in = part instanceof MimeMessage message
                ? message.getRawInputStream()
                : ((MimeBodyPart) part).getRawInputStream();
        if (in instanceof TrackedInput tracked) {
            return tracked;
        }
        in.close();
        throw new IOException("part content is not held in memory");
    }

    /**
     * A clean Content-Type for Angus to parse again: the finder has already parsed the real one leniently,
     * and Angus would throw on the same syntax errors.
     */
    private static String angusType(String boundary) {
        ContentType clean = new ContentType("multipart", "mixed", null);
        if (boundary != null) {
            clean.setParameter("boundary", boundary);
        }
        return clean.toString();
    }
}
