package io.tlsrpt.collector.web;

import io.tlsrpt.collector.ingest.ClientRateLimiter;
import io.micronaut.context.annotation.Executable;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.tlsrpt.collector.config.HttpReportSettings;
import io.tlsrpt.collector.config.ProcessingSettings;
import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.ingest.Acceptance;
import io.tlsrpt.collector.ingest.Channel;
import io.tlsrpt.collector.ingest.Envelope;
import io.tlsrpt.collector.ingest.MessageOutcome;
import io.tlsrpt.collector.ingest.MessageProcessor;
import io.tlsrpt.collector.ingest.ProcessingQueue;
import io.tlsrpt.collector.ingest.Receiver;
import io.tlsrpt.collector.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reports posted over HTTPS (RFC 8460 §5.4): {@code POST /tlsrpt} (path {@code tlsrpt.http.report-path}) with an
 * {@code application/tlsrpt+gzip} or {@code application/tlsrpt+json} body, or any of the looser labels mail uses
 * (the bytes decide, as for a mail part). The body is stored before anything else, then processed at once, so the
 * answer says what became of it:
 * <ul>
 *   <li>201 stored; 200 a duplicate of a stored report (organization-name, report-id, date range);</li>
 *   <li>202 stored, processed later (processing is switched off, or failed unexpectedly and is retried);</li>
 *   <li>400 not a usable report: kept in the quarantine with the reason, which the answer names;</li>
 *   <li>413 larger than {@code tlsrpt.smtp.max-message-size} (by Content-Length, or counted while reading: never
 *   more than that is read); 415 a media type no report is sent as; 429 too many posts from this client
 *   ({@code Retry-After}); 503 the database cannot store (retry later).</li>
 * </ul>
 * Every answer is a JSON object with {@code status}, {@code result} and a {@code message} for people.
 *
 * <p>A controller without a path of its own: {@link ReportUploadRoute} maps the configured path to it.
 */
@Controller
public class ReportUploadController {
    private static final Logger LOG = LoggerFactory.getLogger(ReportUploadController.class);
    private static final int READ_CHUNK = 64 * 1024;

    private final Receiver receiver;
    private final MessageProcessor processor;
    private final ProcessingQueue queue;
    private final boolean processingEnabled;
    private final long maxBytes;
    private final ClientAddress clients;
    private final ClientRateLimiter rateLimiter;
    private final int perMinute;

    public ReportUploadController(Receiver receiver, MessageProcessor processor, ProcessingQueue queue,
                                  ProcessingSettings processing, SmtpSettings smtp, HttpReportSettings settings) {
        this.receiver = receiver;
        this.processor = processor;
        this.queue = queue;
        this.processingEnabled = processing.enabled();
        this.maxBytes = smtp.maxMessageSize();
        this.clients = new ClientAddress(settings.trustedProxies());
        this.perMinute = settings.reportsPerMinute();
        this.rateLimiter = new ClientRateLimiter(perMinute, System::nanoTime);
    }

    /** POST {@code tlsrpt.http.report-path}: the route is made by {@link ReportUploadRoute}. */
    @Executable
    @Consumes(MediaType.ALL)
    @Produces(MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<Map<String, Object>> receive(HttpRequest<?> request, @Nullable @Body InputStream body) {
        InetAddress client = clients.client(request.getRemoteAddress().getAddress(),
                request.getHeaders().getAll("X-Forwarded-For"));
        String clientIp = client == null ? null : client.getHostAddress();
        MutableHttpResponse<Map<String, Object>> refusal = refusal(request, client, clientIp);
        try {
            if (refusal != null) {
                return afterRefusal(refusal, body, request.getContentLength(), 0);
            }
            return receive(request, body, clientIp);
        } finally {
            close(body);
        }
    }

    /**
     * A refused body is read to its end and dropped, up to twice {@code max-message-size} in all, so that a client
     * that sends its whole body before it reads the answer (most HTTP libraries) gets the answer, and the connection
     * stays usable for its next request. A body that is longer still is not read: the connection is closed after the
     * answer.
     */
    private MutableHttpResponse<Map<String, Object>> afterRefusal(MutableHttpResponse<Map<String, Object>> refusal,
                                                                  @Nullable InputStream body, long declared,
                                                                  long alreadyRead) {
        if (body == null) {
            return declared > 0 ? refusal.header(HttpHeaders.CONNECTION, "close") : refusal;
        }
        long budget = 2 * maxBytes;
        if (declared > budget) {
            return refusal.header(HttpHeaders.CONNECTION, "close");
        }
        try {
            long left = budget - alreadyRead;
            byte[] sink = new byte[READ_CHUNK];
            int n;
            while ((n = body.read(sink, 0, (int) Math.min(sink.length, left + 1))) >= 0) {
                left -= n;
                if (left < 0) {
                    return refusal.header(HttpHeaders.CONNECTION, "close");
                }
            }
            return refusal;
        } catch (IOException | RuntimeException e) {
            return refusal.header(HttpHeaders.CONNECTION, "close");
        }
    }

    /** 429, 415 or 413 by Content-Length, decided before the body is read; null when it may be read. */
    private MutableHttpResponse<Map<String, Object>> refusal(HttpRequest<?> request, InetAddress client,
                                                             String clientIp) {
        OptionalLong wait = rateLimiter.tryAcquire(ClientAddress.rateKey(client));
        if (wait.isPresent()) {
            LOG.info("HTTPS report from {} refused: more than {} a minute", clientIp, perMinute);
            return answer(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many reports from " + clientIp
                    + ": at most " + perMinute + " a minute. Retry in " + wait.getAsLong() + " s.")
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(wait.getAsLong()));
        }

        String type = request.getContentType().map(MediaTypes::base).orElse(null);
        if (!MediaTypes.mayBeReport(type)) {
            return answer(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "A TLS report cannot be "
                    + LogSafe.clean(type) + ". Send application/tlsrpt+gzip or application/tlsrpt+json (RFC 8460"
                    + " §5.4); application/gzip, application/json, application/zip and application/octet-stream"
                    + " are accepted too, and the content decides.");
        }

        long declared = request.getContentLength();
        if (declared > maxBytes) {
            return tooLarge(declared);
        }
        return null;
    }

    private MutableHttpResponse<Map<String, Object>> receive(HttpRequest<?> request, @Nullable InputStream body,
                                                             String clientIp) {
        long declared = request.getContentLength();
        byte[] raw;
        try {
            raw = body == null ? (declared > 0 ? null : new byte[0]) : readAtMost(body, maxBytes, declared);
        } catch (IOException | UncheckedIOException | ContentLengthExceededException e) {
            if (causedByLength(e)) {
                return tooLarge(-1).header(HttpHeaders.CONNECTION, "close");
            }
            if (e instanceof TooLarge) {
                return afterRefusal(tooLarge(-1), body, declared, maxBytes + 1);
            }
            LOG.info("HTTPS report from {}: body could not be read: {}", clientIp, e.toString());
            return answer(HttpStatus.BAD_REQUEST, "unreadable-body", "The request body could not be read: "
                    + LogSafe.clean(String.valueOf(e.getMessage())));
        }
        if (raw == null) {
            return tooLarge(declared).header(HttpHeaders.CONNECTION, "close"); // Micronaut refused it already
        }

        Envelope envelope = new Envelope(Instant.now(), clientIp, null, null, List.of());
        Acceptance acceptance = receiver.storeHeld(Channel.HTTPS, envelope, raw);
        if (acceptance instanceof Acceptance.Unavailable u) {
            return answer(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "The report could not be stored ("
                    + u.reason() + "). Please retry later.").header(HttpHeaders.RETRY_AFTER, "60");
        }
        long messageId = ((Acceptance.Accepted) acceptance).messageId();
        if (!processingEnabled) {
            queue.submit(messageId);
            return later(messageId, "Stored; processing is switched off on this collector"
                    + " (tlsrpt.processing.enabled=false), so it is processed later.");
        }
        Optional<MessageOutcome> outcome;
        try {
            outcome = processor.process(messageId);
        } catch (RuntimeException e) {
            LOG.error("HTTPS report {}: processing failed, left to the queue", messageId, e);
            outcome = Optional.empty();
        }
        if (outcome.isEmpty()) {
            queue.submit(messageId);
            return later(messageId, "Stored; it could not be processed now and is processed again later.");
        }
        return answer(outcome.get(), clientIp);
    }

    private MutableHttpResponse<Map<String, Object>> answer(MessageOutcome o, String clientIp) {
        List<Map<String, Object>> problems = new ArrayList<>();
        for (MessageOutcome.Problem p : o.problems()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("code", p.code());
            m.put("reason", p.reason());
            m.put("part", p.partIndex());
            m.put("fileName", p.fileName());
            problems.add(m);
        }
        HttpStatus status;
        String result;
        String message;
        if (MessageStore.RECEIVED.equals(o.state())) {
            return later(o.messageId(), "Stored; it is processed later.");
        } else if (o.stored() > 0) {
            status = HttpStatus.CREATED;
            result = "stored";
            message = o.stored() == 1 ? "Report stored." : o.stored() + " reports stored.";
            if (o.duplicates() > 0) {
                message += " " + o.duplicates() + " duplicate" + (o.duplicates() == 1 ? "" : "s") + " of stored"
                        + " reports.";
            }
            if (!o.problems().isEmpty()) {
                message += " Not usable: " + describe(o.problems());
            }
        } else if (o.duplicates() > 0) {
            status = HttpStatus.OK;
            result = "duplicate";
            message = "Already stored: a report with the same organization-name, report-id and date range arrived"
                    + " before.";
        } else if (o.problems().stream().anyMatch(p -> "processing-error".equals(p.code()))) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            result = "quarantined";
            message = "The report could not be processed and is kept in the quarantine: " + describe(o.problems());
        } else {
            status = HttpStatus.BAD_REQUEST;
            result = "quarantined";
            message = "Not a usable TLS report: " + describe(o.problems());
            LOG.info("HTTPS report {} from {} quarantined: {}", o.messageId(), clientIp, LogSafe.clean(message));
        }
        MutableHttpResponse<Map<String, Object>> r = answer(status, result, message);
        Map<String, Object> b = r.body();
        b.put("messageId", o.messageId());
        b.put("stored", o.stored());
        b.put("duplicates", o.duplicates());
        b.put("problems", problems);
        return r;
    }

    private static MutableHttpResponse<Map<String, Object>> later(long messageId, String message) {
        MutableHttpResponse<Map<String, Object>> r = answer(HttpStatus.ACCEPTED, "accepted", message);
        r.body().put("messageId", messageId);
        return r;
    }

    private MutableHttpResponse<Map<String, Object>> tooLarge(long declared) {
        return answer(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "too-large", "The report is larger than this collector"
                + " accepts: at most " + maxBytes + " bytes (tlsrpt.smtp.max-message-size)"
                + (declared > 0 ? ", and Content-Length says " + declared : "") + ".");
    }

    private static MutableHttpResponse<Map<String, Object>> answer(HttpStatus status, String result,
                                                                   String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.getCode());
        body.put("result", result);
        body.put("message", message);
        return HttpResponse.<Map<String, Object>>status(status).body(body)
                .contentType(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /** The problems in one line for people: "missing required field report-id; ...". */
    static String describe(List<MessageOutcome.Problem> problems) {
        List<String> parts = new ArrayList<>();
        for (MessageOutcome.Problem p : problems) {
            String reason = p.reason() == null ? "" : p.reason();
            parts.add(switch (p.code()) {
                case "missing-field" -> "a required field is missing: " + reason;
                case "empty" -> "the report is empty";
                case "not-json" -> "not JSON: " + reason;
                case "invalid-json" -> "the JSON cannot be parsed: " + reason;
                case "unreadable-part", "no-report" -> reason;
                default -> p.code() + ": " + reason;
            });
        }
        String joined = String.join("; ", parts);
        return joined.length() > 2000 ? joined.substring(0, 2000) + "..." : joined;
    }

    /** The body is longer than the limit; {@code max} + 1 bytes of it are read. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("body over the limit");
        }
    }

    /**
     * The body; {@link TooLarge} when it is longer than {@code max}: never more than {@code max} + 1 bytes are read.
     * With a Content-Length the array is allocated once at that size. The stream is left open.
     */
    static byte[] readAtMost(InputStream body, long max, long declared) throws IOException {
        byte[] buf = new byte[(int) Math.min(max + 1, declared >= 0 ? declared + 1 : READ_CHUNK)];
        int size = 0;
        while (true) {
            if (size == buf.length) {
                if (size > max) {
                    throw new TooLarge();
                }
                buf = Arrays.copyOf(buf, (int) Math.min(max + 1, Math.max(READ_CHUNK, (long) size * 2)));
            }
            int n = body.read(buf, size, buf.length - size);
            if (n < 0) {
                break;
            }
            size += n;
            if (size > max) {
                throw new TooLarge();
            }
        }
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    private static void close(@Nullable InputStream body) {
        if (body != null) {
            try {
                body.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing an unread request body: {}", e.toString());
            }
        }
    }

    private static boolean causedByLength(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ContentLengthExceededException) {
                return true;
            }
        }
        return false;
    }

    /** Media types in a request. */
    static final class MediaTypes {
        private MediaTypes() {
        }

        /** "application/json" of "Application/JSON; charset=utf-8". */
        static String base(MediaType type) {
            return (type.getType() + "/" + type.getSubtype()).toLowerCase(Locale.ROOT);
        }

        /**
         * Whether a body sent as this type may be a report, which the content then decides: none at all, the
         * RFC 8460 types, the labels reports are mailed with (gzip, zip, json, octet-stream), text/plain and the
         * form type that curl sends by default. Not HTML, multipart, images, audio, video, fonts, messages.
         */
        static boolean mayBeReport(String type) {
            if (type == null || type.isBlank()) {
                return true;
            }
            int slash = type.indexOf('/');
            if (slash < 0) {
                return false;
            }
            String main = type.substring(0, slash);
            String sub = type.substring(slash + 1);
            if (main.equals("application")) {
                return sub.contains("tlsrpt") || sub.equals("json") || sub.endsWith("+json") || sub.contains("gzip")
                        || sub.contains("zip") || sub.equals("octet-stream") || sub.equals("x-www-form-urlencoded");
            }
            return type.equals("text/plain") || type.equals("text/json");
        }
    }

    /** Sender text in a message or a log line: printable, one line, bounded. */
    static final class LogSafe {
        private LogSafe() {
        }

        static String clean(String s) {
            if (s == null) {
                return "(none)";
            }
            StringBuilder b = new StringBuilder();
            s.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
            return b.toString();
        }
    }
}
