package io.tlsrpt.collector.imap;

import io.tlsrpt.collector.config.ImapSettings;
import io.tlsrpt.collector.ingest.Acceptance;
import io.tlsrpt.collector.ingest.Envelope;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.NotTerm;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection to the mailbox: log in, open the folder, and hand each new message to the collector; only once
 * it is stored ({@link Acceptance.Accepted}) is it moved, flagged or deleted, so that nothing is lost when storing
 * fails. Not thread-safe: one watcher thread uses it, another may only {@link #wake()} it.
 */
final class ImapMailbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImapMailbox.class);
    /** Messages whose size is fetched in one round trip. */
    private static final int BATCH = 100;
    /** Messages skipped for their size are remembered (to log them once) up to this many. */
    private static final int MAX_SKIPPED = 10_000;

    /** Stores one raw message; the watcher passes {@code Receiver.accept} with the IMAP channel. */
    @FunctionalInterface
    interface Acceptor {
        Acceptance accept(Envelope envelope, byte[] raw);
    }

    /** What one pass over the folder did. */
    record Pass(int stored, int skipped, boolean storeUnavailable) {
    }

    private final ImapSettings settings;
    private final long maxMessageSize;
    private final Acceptor acceptor;
    private final IMAPStore store;
    private IMAPFolder folder;
    private IMAPFolder moveTo;
    private boolean keywords;
    private final Set<String> skipped = new LinkedHashSet<>();
    private volatile boolean idling;

    private ImapMailbox(ImapSettings settings, long maxMessageSize, Acceptor acceptor, IMAPStore store) {
        this.settings = settings;
        this.maxMessageSize = maxMessageSize;
        this.acceptor = acceptor;
        this.store = store;
    }

    /** Connects, logs in and opens the folder (and the move-to folder, created when missing). */
    static ImapMailbox open(ImapSettings settings, long maxMessageSize, Acceptor acceptor) throws MessagingException {
        String protocol = "tls".equals(settings.ssl()) ? "imaps" : "imap";
        Session session = Session.getInstance(properties(settings, protocol));
        IMAPStore store = (IMAPStore) session.getStore(protocol);
        store.connect(settings.host().trim(), settings.effectivePort(), settings.username(),
                settings.password() == null ? "" : settings.password());
        ImapMailbox mailbox = new ImapMailbox(settings, maxMessageSize, acceptor, store);
        try {
            mailbox.openFolders();
        } catch (MessagingException | RuntimeException e) {
            mailbox.close();
            throw e;
        }
        return mailbox;
    }

    static Properties properties(ImapSettings settings, String protocol) {
        String p = "mail." + protocol + ".";
        long timeout = settings.timeout().toMillis();
        // IDLE waits on a read: the socket time-out must outlast the longest IDLE.
        long readTimeout = Math.max(timeout, settings.pollInterval().toMillis() + timeout);
        Properties props = new Properties();
        props.put(p + "connectiontimeout", String.valueOf(timeout));
        props.put(p + "timeout", String.valueOf(readTimeout));
        props.put(p + "writetimeout", String.valueOf(timeout));
        props.put(p + "peek", "true"); // reading a message does not mark it \Seen
        props.put(p + "ssl.checkserveridentity", "true");
        if ("starttls".equals(settings.ssl())) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        return props;
    }

    private void openFolders() throws MessagingException {
        folder = (IMAPFolder) store.getFolder(settings.folder());
        if (!folder.exists()) {
            throw new MessagingException("folder '" + settings.folder() + "' does not exist");
        }
        folder.open(Folder.READ_WRITE);
        Flags permanent = folder.getPermanentFlags();
        keywords = permanent != null && permanent.contains(Flags.Flag.USER);
        if ("move".equals(settings.after())) {
            moveTo = (IMAPFolder) store.getFolder(settings.moveTo());
            if (!moveTo.exists() && !moveTo.create(Folder.HOLDS_MESSAGES)) {
                throw new MessagingException("cannot create folder '" + settings.moveTo() + "'");
            }
        }
    }

    /** Reads every message that is not handled yet, oldest first. */
    Pass pass() throws MessagingException {
        folder.getMessageCount(); // a NOOP when idle for a while: the server reports new mail in its answer
        Message[] messages;
        if ("flag".equals(settings.after())) {
            Flags done = keywords ? new Flags(ImapSettings.FLAG_KEYWORD) : new Flags(Flags.Flag.SEEN);
            messages = folder.search(new NotTerm(new FlagTerm(done, true)));
        } else {
            messages = folder.getMessages();
        }
        int stored = 0;
        int skippedNow = 0;
        for (int from = 0; from < messages.length; from += BATCH) {
            Message[] batch = Arrays.copyOfRange(messages, from, Math.min(messages.length, from + BATCH));
            FetchProfile fp = new FetchProfile();
            fp.add(UIDFolder.FetchProfileItem.UID);
            fp.add(FetchProfile.Item.SIZE);
            fp.add(FetchProfile.Item.FLAGS);
            fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
            folder.fetch(batch, fp);
            for (Message m : batch) {
                if (m.isExpunged() || m.isSet(Flags.Flag.DELETED)) {
                    continue;
                }
                Outcome o = handle((IMAPMessage) m);
                if (o == Outcome.STORED) {
                    stored++;
                } else if (o == Outcome.SKIPPED) {
                    skippedNow++;
                } else if (o == Outcome.UNAVAILABLE) {
                    return new Pass(stored, skippedNow, true);
                }
            }
        }
        if ("delete".equals(settings.after()) && stored > 0) {
            folder.expunge();
        }
        return new Pass(stored, skippedNow, false);
    }

    private enum Outcome { STORED, SKIPPED, UNAVAILABLE }

    private Outcome handle(IMAPMessage m) throws MessagingException {
        long uid = folder.getUID(m);
        String id = folder.getUIDValidity() + "/" + uid;
        long size = m.getSizeLong();
        if (size > maxMessageSize) {
            if (skipped.size() < MAX_SKIPPED && skipped.add(id)) {
                LOG.warn("IMAP {}: message UID {} is {} bytes, over tlsrpt.smtp.max-message-size ({}): left where "
                        + "it is, not stored", settings.folder(), uid, size, maxMessageSize);
            }
            return Outcome.SKIPPED;
        }
        byte[] raw;
        try {
            raw = read(m);
        } catch (TooLarge e) {
            if (skipped.size() < MAX_SKIPPED && skipped.add(id)) {
                LOG.warn("IMAP {}: message UID {} is over tlsrpt.smtp.max-message-size ({}): left where it is, not "
                        + "stored", settings.folder(), uid, maxMessageSize);
            }
            return Outcome.SKIPPED;
        }
        Date received = m.getReceivedDate();
        Envelope envelope = new Envelope(received == null ? Instant.now() : received.toInstant(), null, null,
                returnPath(m), List.of());
        Acceptance acceptance = acceptor.accept(envelope, raw);
        if (!(acceptance instanceof Acceptance.Accepted accepted)) {
            LOG.warn("IMAP {}: message UID {} could not be stored ({}); it stays in the folder and is tried again",
                    settings.folder(), uid, ((Acceptance.Unavailable) acceptance).reason());
            return Outcome.UNAVAILABLE;
        }
        switch (settings.after()) {
            case "move" -> move(m);
            case "flag" -> {
                m.setFlag(Flags.Flag.SEEN, true);
                if (keywords) {
                    m.setFlags(new Flags(ImapSettings.FLAG_KEYWORD), true);
                }
            }
            default -> m.setFlag(Flags.Flag.DELETED, true);
        }
        LOG.debug("IMAP {}: message UID {} stored as message {}", settings.folder(), uid, accepted.messageId());
        return Outcome.STORED;
    }

    private void move(IMAPMessage m) throws MessagingException {
        Message[] one = {m};
        if (store.hasCapability("MOVE")) {
            folder.moveMessages(one, moveTo);
        } else {
            folder.copyMessages(one, moveTo);
            m.setFlag(Flags.Flag.DELETED, true);
            if (store.hasCapability("UIDPLUS")) {
                folder.expunge(one);
            } else {
                folder.expunge();
            }
        }
    }

    private byte[] read(IMAPMessage m) throws MessagingException, TooLarge {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(m.getSizeLong(), 1024), 1 << 20));
        try (InputStream in = m.getMimeStream()) {
            byte[] buffer = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxMessageSize) {
                    throw new TooLarge();
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new MessagingException("reading message: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static String returnPath(IMAPMessage m) {
        try {
            String[] rp = m.getHeader("Return-Path");
            if (rp == null || rp.length == 0) {
                return null;
            }
            String v = rp[0].trim();
            if (v.startsWith("<") && v.endsWith(">")) {
                v = v.substring(1, v.length() - 1);
            }
            return v.length() > 1024 ? v.substring(0, 1024) : v;
        } catch (MessagingException e) {
            return null;
        }
    }

    /** Whether the server offers IDLE. */
    boolean canIdle() throws MessagingException {
        return store.hasCapability("IDLE");
    }

    /**
     * Waits with IDLE until the server reports a change or {@code wait} passes (then another thread touches the
     * folder, which ends the IDLE).
     */
    void idle(ScheduledExecutorService timer, long waitMillis) throws MessagingException {
        ScheduledFuture<?> stop = timer.schedule(this::wake, waitMillis, TimeUnit.MILLISECONDS);
        idling = true;
        try {
            folder.idle(true);
        } finally {
            idling = false;
            stop.cancel(false);
        }
    }

    /** Ends an IDLE in progress (from another thread). Any folder command does: the client sends DONE first. */
    void wake() {
        if (!idling) {
            return;
        }
        try {
            folder.getMessageCount();
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("ending IMAP IDLE: {}", e.getMessage());
        }
    }

    /** A cheap round trip that proves the connection is alive. */
    void noop() throws MessagingException {
        folder.getMessageCount();
        if (!folder.isOpen() || !store.isConnected()) {
            throw new MessagingException("connection closed");
        }
    }

    @Override
    public void close() {
        try {
            if (folder != null && folder.isOpen()) {
                folder.close("delete".equals(settings.after()));
            }
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("closing IMAP folder: {}", e.getMessage());
        }
        try {
            store.close();
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("closing IMAP connection: {}", e.getMessage());
        }
    }

    private static final class TooLarge extends Exception {
        TooLarge() {
            super(null, null, false, false);
        }
    }
}
