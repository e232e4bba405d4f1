package io.tlsrpt.collector.store;

import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Raw messages: the durable copy written before the 250, and their processing state. */
@Singleton
public final class MessageStore {
    public static final String RECEIVED = "received";
    public static final String PROCESSED = "processed";
    public static final String QUARANTINED = "quarantined";

    private final Database db;

    public MessageStore(Database db) {
        this.db = db;
    }

    /**
     * Stores a raw message and its envelope in one committed transaction. On PostgreSQL the message is then durable;
     * H2 writes its commits in the background, so the caller makes the message durable in the spool ({@link Spool})
     * before it answers 250, until {@link Database#checkpoint()} has run.
     *
     * @return the message id
     * @throws StoreUnavailableException when the database cannot write (the caller answers 4xx)
     */
    public long insert(Instant receivedAt, String channel, String clientIp, String helo, String envelopeFrom,
                       String envelopeTo, byte[] body) {
        return insertHeld(receivedAt, channel, clientIp, helo, envelopeFrom, envelopeTo, body, null);
    }

    /** A stored message as processing needs it. */
    public record Stored(long id, byte[] body, Instant receivedAt, String channel) {
    }

    public Optional<Stored> load(long messageId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT m.received_at, m.channel, b.body FROM message m "
                    + "JOIN message_body b ON b.message_id = m.id WHERE m.id = ?")) {
                Sql.bind(ps, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Stored(messageId, rs.getBytes("body"),
                            Sql.instant(rs, "received_at"), rs.getString("channel"))) : Optional.empty();
                }
            }
        });
    }

    /** The raw bytes of a message, as the sender sent them. */
    public Optional<byte[]> body(long messageId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM message_body WHERE message_id = ?")) {
                Sql.bind(ps, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Ids of stored messages that are not processed yet and not waiting for a retry time, oldest first, after
     * {@code afterId}.
     */
    public List<Long> unprocessed(long afterId, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM message WHERE state = ? AND id > ? AND (retry_at IS NULL OR retry_at <= ?) "
                            + "ORDER BY id FETCH FIRST " + limit + " ROWS ONLY")) {
                Sql.bind(ps, RECEIVED, afterId, java.time.Instant.now());
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            }
        });
    }

    /**
     * Sends every message whose last processing run began at or after {@code since} back to the sweep (state
     * received): after a crash H2 may hold only part of those runs. Processing replaces whatever a run left, so a run
     * that was whole is done again to the same result.
     *
     * @return the messages sent back
     */
    public int processAgain(Instant since) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE message SET state = ?, retry_at = NULL "
                    + "WHERE processed_at >= ? AND state <> ?")) {
                Sql.bind(ps, RECEIVED, since, RECEIVED);
                return ps.executeUpdate();
            }
        });
    }

    /** Counts an attempt that failed on an unexpected error; returns the attempts so far. */
    public int recordFailedAttempt(long messageId, String error) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE message SET attempts = attempts + 1, last_error = ? WHERE id = ?")) {
                Sql.bind(ps, Text.clip(error, 4000), messageId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT attempts FROM message WHERE id = ?")) {
                Sql.bind(ps, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    /**
     * Like {@link #insert}, but the sweep for unprocessed messages leaves the message alone until {@code holdUntil}
     * (it is stored with that retry time): for a caller that processes the message at once itself and needs the
     * outcome (HTTPS reports, import), so that the sweep does not process it at the same time. Processing clears
     * the time; should the caller not finish, the sweep takes the message after it.
     */
    public long insertHeld(Instant receivedAt, String channel, String clientIp, String helo, String envelopeFrom,
                           String envelopeTo, byte[] body, Instant holdUntil) {
        return db.inTransaction(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO message (received_at, channel, client_ip, helo, envelope_from, envelope_to, "
                            + "size_bytes, sha256, state, retry_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                Sql.bind(ps, receivedAt, channel, Text.clip(clientIp, 64), Text.clip(helo, 1024),
                        Text.clip(envelopeFrom, 1024), Text.clip(envelopeTo, 8000), (long) body.length,
                        Sql.sha256(body), RECEIVED, holdUntil);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO message_body (message_id, body) VALUES (?,?)")) {
                Sql.bind(ps, id, body);
                ps.executeUpdate();
            }
            return id;
        });
    }

    /**
     * The id of a stored message with exactly these bytes (lower-case hex SHA-256 of the raw message, as stored in
     * {@code message.sha256}; indexed by schema V5), the oldest when there are several.
     */
    public Optional<Long> findBySha256(String sha256) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT MIN(id) FROM message WHERE sha256 = ?")) {
                Sql.bind(ps, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long id = rs.getLong(1);
                        return rs.wasNull() ? Optional.<Long>empty() : Optional.of(id);
                    }
                    return Optional.<Long>empty();
                }
            }
        });
    }

    /** The lower-case hex SHA-256 of the bytes, as {@code message.sha256} holds it. */
    public static String sha256(byte[] body) {
        return Sql.sha256(body);
    }

    /** What the database holds under a message id, compared with a copy of the message (the spool's). */
    public enum Held {
        /** The row and its bytes, with the same sha256. */
        INTACT,
        /** The row with the same sha256, but no bytes: half a transaction survived a crash (seen with H2). */
        BODY_MISSING,
        /** No row with this id. */
        ABSENT,
        /** A row with this id holds another message. */
        OTHER
    }

    /** Compares what is stored under the id with a message of this sha256 (lower-case hex). */
    public Held held(long messageId, String sha256) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT m.sha256, b.body FROM message m "
                    + "LEFT JOIN message_body b ON b.message_id = m.id WHERE m.id = ?")) {
                Sql.bind(ps, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Held.ABSENT;
                    }
                    if (!sha256.equals(rs.getString(1).trim())) {
                        return Held.OTHER;
                    }
                    byte[] body = rs.getBytes(2);
                    return body != null && sha256.equals(Sql.sha256(body)) ? Held.INTACT : Held.BODY_MISSING;
                }
            }
        });
    }

    /**
     * Puts back the bytes of a message whose row survived a crash without them ({@link Held#BODY_MISSING}), and
     * marks it received so that it is processed again (processing is idempotent).
     */
    public void repairBody(long messageId, byte[] body) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM message_body WHERE message_id = ?")) {
                Sql.bind(ps, messageId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO message_body (message_id, body) VALUES (?,?)")) {
                Sql.bind(ps, messageId, body);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE message SET state = ?, retry_at = NULL WHERE id = ?")) {
                Sql.bind(ps, RECEIVED, messageId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** True when a message row with this id exists. */
    public boolean exists(long messageId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM message WHERE id = ?")) {
                Sql.bind(ps, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /**
     * Stores a message again under the id it was first given, as received (not processed): recovery of a message
     * that the database lost in a crash after it was acknowledged. The caller makes sure the id is free; afterwards
     * {@link #moveIdsPastExisting()} keeps new ids from meeting it.
     */
    public void restore(long messageId, Instant receivedAt, String channel, String clientIp, String helo,
                        String envelopeFrom, String envelopeTo, byte[] body) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO message (id, received_at, channel, client_ip, helo, envelope_from, envelope_to, "
                            + "size_bytes, sha256, state) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
                Sql.bind(ps, messageId, receivedAt, channel, Text.clip(clientIp, 64), Text.clip(helo, 1024),
                        Text.clip(envelopeFrom, 1024), Text.clip(envelopeTo, 8000), (long) body.length,
                        Sql.sha256(body), RECEIVED);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO message_body (message_id, body) VALUES (?,?)")) {
                Sql.bind(ps, messageId, body);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Moves the id generator past the highest message id, after {@link #restore} put rows under ids that the
     * generator may give out again (a crash can lose its increments along with the rows). Only while nothing else
     * inserts messages (start-up, before any transport accepts).
     */
    public void moveIdsPastExisting() {
        db.inTransaction(c -> {
            long max;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(id) FROM message")) {
                rs.next();
                max = rs.getLong(1);
            }
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE message ALTER COLUMN id RESTART WITH " + (max + 1));
            }
            return null;
        });
    }

    /**
     * Removes a message that was stored but never acknowledged (its spool copy could not be written, so the sender
     * was told to retry), unless processing has already taken it.
     *
     * @return true when it was removed
     */
    public boolean discardUnacknowledged(long messageId) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM message WHERE id = ? AND state = ? AND processed_at IS NULL "
                            + "AND NOT EXISTS (SELECT 1 FROM report WHERE message_id = ?) "
                            + "AND NOT EXISTS (SELECT 1 FROM report_duplicate WHERE message_id = ?) "
                            + "AND NOT EXISTS (SELECT 1 FROM quarantine WHERE message_id = ?)")) {
                Sql.bind(ps, messageId, RECEIVED, messageId, messageId, messageId);
                return ps.executeUpdate() == 1;
            }
        });
    }
}
