package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.IpAddresses;
import io.tlsrpt.collector.ingest.Acceptance;
import io.tlsrpt.collector.ingest.Envelope;
import io.tlsrpt.collector.ingest.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One SMTP transaction. Everything is decided in {@link #data}: by the time {@link #done} runs the reply is sent.
 * The 250 is returned only after the message is stored durably; content problems are never answered here (they
 * are quarantined later), only size (552), the DATA deadline (421, connection closed), memory for messages in flight
 * (452) and an unavailable store (451). The message rate per client is checked at MAIL FROM (451 4.7.1).
 *
 * <p>No exception other than a {@link RejectException} leaves this class on purpose: SubEthaSMTP would turn it into a
 * 421 and the sender would retry the same mail for days.
 */
final class ReportMessageHandler implements MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ReportMessageHandler.class);

    private final MessageContext context;
    private final Receiver receiver;
    private final SessionRules rules;
    private String mailFrom;
    private final List<String> rcptTo = new ArrayList<>();

    ReportMessageHandler(MessageContext context, Receiver receiver, SessionRules rules) {
        this.context = context;
        this.receiver = receiver;
        this.rules = rules;
    }

    @Override
    public void from(String from) throws RejectException {
        InetAddress client = clientAddress();
        if (!rules.trusted().contains(client)) {
            String key = IpAddresses.clientKey(client);
            OptionalLong wait = rules.messageRate().tryAcquire(key);
            if (wait.isPresent()) {
                String text = "4.7.1 too many messages from " + key + " (at most "
                        + rules.messageRate().perMinute() + " a minute), try again in " + wait.getAsLong()
                        + " seconds";
                rules.refusals().refused("max-messages-per-ip-per-minute", clientIp(client), "451 " + text);
                throw new RejectException(451, text);
            }
        }
        this.mailFrom = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        if (!rules.recipients().accepts(recipient)) {
            throw new RejectException(550, "5.1.1 <" + Replies.printable(recipient) + ">: recipient not accepted here");
        }
        rcptTo.add(recipient);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        try {
            return readAndStore(data);
        } catch (DropConnectionException e) {
            throw e;
        } catch (RejectException e) {
            // SubEthaSMTP sends this reply but leaves the transaction open, so that the sender's next MAIL FROM
            // would get "503 Sender already specified"; RFC 5321 ends the transaction with any reply to DATA.
            if (context instanceof Session s) {
                s.resetMailTransaction();
            }
            throw e;
        }
    }

    private String readAndStore(InputStream data) throws RejectException, IOException {
        // SubEthaSMTP's DATA stream reads a byte at a time and fills a whole buffer before it returns, and the
        // socket time-out (connection-timeout) is per read, so a client that trickles a byte at a time would hold
        // the connection for ever. A timer marks the deadline; every byte read checks the mark.
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> timer = rules.deadlines().schedule(() -> expired.set(true),
                rules.dataDeadlineMillis(), TimeUnit.MILLISECONDS);
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        byte[] chunk = new byte[16 * 1024];
        int filled = 0;
        long total = 0;
        long reserved = 0;
        boolean tooLarge = false;
        boolean noMemory = false;
        try {
            while (true) {
                int b;
                try {
                    b = data.read();
                } catch (SocketTimeoutException e) {
                    if (expired.get()) {
                        throw deadlinePassed(tooLarge);
                    }
                    throw new DropConnectionException(421, "4.4.2 " + rules.hostname() + " no data for "
                            + rules.idleTimeoutMillis() / 1000 + " seconds, closing connection");
                }
                if (expired.get()) {
                    throw deadlinePassed(tooLarge);
                }
                if (b != -1) {
                    total++;
                    if (tooLarge || noMemory) {
                        continue; // read to the end of DATA, or the rest would be read as commands
                    }
                    chunk[filled++] = (byte) b;
                    if (filled < chunk.length) {
                        continue;
                    }
                }
                if (filled > 0 && !tooLarge && !noMemory) {
                    if (total > rules.maxMessageSize()) {
                        tooLarge = true;
                    } else if (rules.inFlight().tryAcquire(2L * filled)) { // the buffer, then its copy
                        reserved += 2L * filled;
                        body.write(chunk, 0, filled);
                    } else {
                        noMemory = true;
                    }
                    filled = 0;
                    if (tooLarge || noMemory) {
                        body = null;
                        rules.inFlight().release(reserved);
                        reserved = 0;
                    }
                }
                if (b == -1) {
                    break;
                }
            }
            timer.cancel(false);
            if (tooLarge) {
                throw new RejectException(552, "5.3.4 message exceeds the maximum size of "
                        + rules.maxMessageSize() + " bytes");
            }
            if (noMemory) {
                rules.refusals().refused("in-flight memory", clientIp(clientAddress()),
                        "452 4.3.1 (" + rules.inFlight().limit() + " bytes of messages in memory)");
                throw new RejectException(452, "4.3.1 too many messages being received at once, try again later");
            }
            return store(body.toByteArray());
        } finally {
            timer.cancel(false);
            rules.inFlight().release(reserved);
        }
    }

    private DropConnectionException deadlinePassed(boolean tooLarge) {
        long seconds = rules.dataDeadlineMillis() / 1000;
        if (tooLarge) {
            // Permanent: the message is too large anyway, whatever the time it would take.
            return new DropConnectionException(552, "5.3.4 message exceeds the maximum size of "
                    + rules.maxMessageSize() + " bytes; closing connection");
        }
        return new DropConnectionException(421, "4.4.2 " + rules.hostname() + " DATA not completed within "
                + seconds + " seconds, closing connection");
    }

    private String store(byte[] raw) throws RejectException {
        Acceptance acceptance;
        try {
            acceptance = receiver.accept("smtp", envelope(raw), raw);
        } catch (RuntimeException e) {
            LOG.error("cannot store a message from {}", clientIp(clientAddress()), e);
            throw new RejectException(451, "4.3.0 temporary storage failure, please try again later");
        }
        if (acceptance instanceof Acceptance.Accepted ok) {
            return "2.0.0 Ok: stored as message " + ok.messageId();
        }
        throw new RejectException(451, "4.3.0 temporary storage failure, please try again later");
    }

    /**
     * The client and its HELO; behind a trusted relay, the real sender as the relay saw it, from the topmost
     * Received header (the relay's). Without such a header, or when it cannot be read, the relay's own.
     */
    Envelope envelope(byte[] raw) {
        InetAddress client = clientAddress();
        String ip = clientIp(client);
        String helo = context.getHelo().orElse(null);
        if (rules.trusted().contains(client)) {
            Optional<ReceivedHeader.Origin> origin;
            try {
                origin = ReceivedHeader.topmostOrigin(raw);
            } catch (RuntimeException e) {
                LOG.warn("cannot read the Received header of a message from relay {}: {}", ip, e.toString());
                origin = Optional.empty();
            }
            if (origin.isPresent()) {
                LOG.debug("relay {} ({}) received the message from {} ({})", ip, helo, origin.get().ip(),
                        origin.get().helo());
                ip = origin.get().ip();
                helo = origin.get().helo();
            }
        }
        return new Envelope(Instant.now(), ip, helo, mailFrom, rcptTo);
    }

    private InetAddress clientAddress() {
        return context.getRemoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    private String clientIp(InetAddress a) {
        return a != null ? a.getHostAddress() : String.valueOf(context.getRemoteAddress());
    }

    @Override
    public void done() {
        // Nothing: the reply was decided in data().
    }
}
