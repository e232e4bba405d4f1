package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.store.Database;
import jakarta.inject.Singleton;

import java.util.function.BooleanSupplier;

/** Whether the parts a sender depends on are up. HTTP is up when this is asked at all. */
@Singleton
public class Health {
    private final Database db;
    private final SmtpSettings smtp;
    private final ProcessingQueue queue;
    private volatile BooleanSupplier smtpRunning = () -> false;

    public Health(Database db, SmtpSettings smtp, ProcessingQueue queue) {
        this.db = db;
        this.smtp = smtp;
        this.queue = queue;
    }

    /** Called by the SMTP adapter once it listens. */
    public void smtpStarted(BooleanSupplier running) {
        this.smtpRunning = running;
    }

    public Status check() {
        boolean database = db.isUp();
        boolean smtpUp = !smtp.enabled() || smtpRunning.getAsBoolean();
        return new Status(database && smtpUp, database ? "up" : "down",
                smtp.enabled() ? (smtpUp ? "up" : "down") : "disabled", "up", queue.backlog());
    }

    public record Status(boolean up, String database, String smtp, String http, int backlog) {
    }
}
