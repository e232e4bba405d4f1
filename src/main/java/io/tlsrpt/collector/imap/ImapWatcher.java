package io.tlsrpt.collector.imap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.tlsrpt.collector.config.ImapSettings;
import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.ingest.Channel;
import io.tlsrpt.collector.ingest.Receiver;
import jakarta.annotation.PreDestroy;
import jakarta.mail.AuthenticationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches an IMAP folder for report e-mails (for a rua that is an existing mailbox): waits for new mail with IDLE
 * (or polls), stores each message through {@link Receiver} on the {@link Channel#IMAP} channel, then moves, flags
 * or deletes it. Runs on its own thread; errors are logged and followed by a reconnect after a growing wait (1 s,
 * doubling up to {@code tlsrpt.imap.max-backoff}); nothing it meets stops the application.
 */
@Context
@Requires(property = "tlsrpt.imap.host")
public class ImapWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ImapWatcher.class);

    private final ImapSettings settings;
    private final long maxMessageSize;
    private final ImapMailbox.Acceptor acceptor;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r,
            "tlsrpt-imap-timer"));
    private final Thread thread;
    private final Object sleeper = new Object();
    private volatile boolean running = true;
    private volatile ImapMailbox current;
    private volatile boolean connected;
    private volatile String lastError;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public ImapWatcher(ImapSettings settings, SmtpSettings smtp, Receiver receiver) {
        this.settings = settings;
        this.maxMessageSize = smtp.maxMessageSize();
        this.acceptor = (envelope, raw) -> receiver.accept(Channel.IMAP, envelope, raw);
        if (!settings.enabled()) {
            running = false;
            thread = null;
            return;
        }
        String problem = settings.problem();
        if (problem != null) {
            LOG.error(problem);
            throw new IllegalArgumentException(problem);
        }
        if ("none".equals(settings.ssl())) {
            LOG.warn("tlsrpt.imap.ssl is none: the IMAP password goes to {} unencrypted", settings.host());
        }
        thread = daemon(this::run, "tlsrpt-imap");
        thread.start();
        LOG.info("IMAP: watching {} at {}:{} ({}) as {}; then {}{}; {}", settings.folder(), settings.host(),
                settings.effectivePort(), settings.ssl(), settings.username(), settings.after(),
                "move".equals(settings.after()) ? " to " + settings.moveTo() : "",
                settings.idle() ? "IDLE when offered, renewed every " + human(settings.pollInterval())
                        : "polling every " + human(settings.pollInterval()));
    }

    private void run() {
        long backoff = 1000;
        while (running) {
            try (ImapMailbox mailbox = ImapMailbox.open(settings, maxMessageSize, acceptor)) {
                current = mailbox;
                connected = true;
                lastError = null;
                backoff = 1000;
                LOG.info("IMAP: connected to {}:{}, folder {}", settings.host(), settings.effectivePort(),
                        settings.folder());
                boolean idle = settings.idle() && mailbox.canIdle();
                while (running) {
                    ImapMailbox.Pass pass = mailbox.pass();
                    stored.addAndGet(pass.stored());
                    if (pass.stored() > 0) {
                        LOG.info("IMAP: stored {} message(s) from {}", pass.stored(), settings.folder());
                    }
                    if (pass.storeUnavailable()) {
                        sleep(Math.min(settings.pollInterval().toMillis(), 30_000));
                    } else if (idle) {
                        mailbox.idle(timer, settings.pollInterval().toMillis());
                    } else {
                        sleep(settings.pollInterval().toMillis());
                    }
                }
            } catch (Exception | LinkageError e) {
                errors.incrementAndGet();
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (running) {
                    if (e instanceof AuthenticationFailedException) {
                        LOG.error("IMAP: login to {} as {} refused: {}; trying again in {} s", settings.host(),
                                settings.username(), e.getMessage(), backoff / 1000);
                    } else {
                        LOG.warn("IMAP: {}; reconnecting in {} s", lastError, backoff / 1000);
                    }
                }
            } finally {
                current = null;
                connected = false;
            }
            if (running) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
            }
        }
    }

    private void sleep(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (sleeper) {
            for (long left = millis; running && left > 0; left = deadline - System.currentTimeMillis()) {
                try {
                    sleeper.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Whether a connection is open now. */
    public boolean connected() {
        return connected;
    }

    /** Messages stored from the mailbox since start. */
    public long storedCount() {
        return stored.get();
    }

    /** Connection or protocol errors since start. */
    public long errorCount() {
        return errors.get();
    }

    public String lastError() {
        return lastError;
    }

    @PreDestroy
    void stop() {
        if (thread == null) {
            return;
        }
        running = false;
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        ImapMailbox mailbox = current;
        if (mailbox != null) {
            Thread waker = daemon(mailbox::wake, "tlsrpt-imap-stop");
            waker.start();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            if (mailbox != null) {
                mailbox.close();
            }
        }
        timer.shutdownNow();
        LOG.info("IMAP: stopped");
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
