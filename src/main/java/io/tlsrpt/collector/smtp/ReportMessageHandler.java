package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.Acceptance;
import io.tlsrpt.collector.ingest.Envelope;
import io.tlsrpt.collector.ingest.Receiver;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One SMTP transaction. Everything is decided in {@link #data}: by the time {@link #done} runs the reply is sent.
 * The 250 is returned only after the message is stored durably; content problems are never answered here (they
 * are quarantined later), only size (552) and an unavailable store (451).
 */
final class ReportMessageHandler implements MessageHandler {
    private final MessageContext context;
    private final Receiver receiver;
    private final RecipientPolicy recipients;
    private final long maxMessageSize;
    private final long dataDeadlineMillis;
    private String mailFrom;
    private final List<String> rcptTo = new ArrayList<>();

    ReportMessageHandler(MessageContext context, Receiver receiver, RecipientPolicy recipients, long maxMessageSize,
                         long dataDeadlineMillis) {
        this.context = context;
        this.receiver = receiver;
        this.recipients = recipients;
        this.maxMessageSize = maxMessageSize;
        this.dataDeadlineMillis = dataDeadlineMillis;
    }

    @Override
    public void from(String from) {
        this.mailFrom = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        if (!recipients.accepts(recipient)) {
            throw new RejectException(550, "5.1.1 <" + Replies.printable(recipient) + ">: recipient not accepted here");
        }
        rcptTo.add(recipient);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        long deadline = System.currentTimeMillis() + dataDeadlineMillis;
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        boolean tooLarge = false;
        int n;
        while ((n = data.read(buffer)) != -1) {
            if (System.currentTimeMillis() > deadline) {
                // Per-read time-outs do not stop a client that trickles one byte at a time.
                throw new IOException("DATA took longer than " + dataDeadlineMillis / 1000 + " s");
            }
            total += n;
            if (total > maxMessageSize) {
                tooLarge = true; // keep reading to the end of DATA, or the rest would be read as commands
                body = null;
            } else {
                body.write(buffer, 0, n);
            }
        }
        if (tooLarge) {
            throw new RejectException(552, "5.3.4 message exceeds the maximum size of " + maxMessageSize + " bytes");
        }
        Acceptance acceptance = receiver.accept("smtp", envelope(), body.toByteArray());
        if (acceptance instanceof Acceptance.Accepted ok) {
            return "2.0.0 Ok: stored as message " + ok.messageId();
        }
        throw new RejectException(451, "4.3.0 temporary storage failure, please try again later");
    }

    private Envelope envelope() {
        String ip = context.getRemoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(context.getRemoteAddress());
        return new Envelope(Instant.now(), ip, context.getHelo().orElse(null), mailFrom, rcptTo);
    }

    @Override
    public void done() {
        // Nothing: the reply was decided in data().
    }
}
