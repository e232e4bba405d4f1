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
     * Stores a raw message and its envelope in one committed transaction. When this returns, the message survives
     * a kill -9 of the process (H2 with WRITE_DELAY=0, or PostgreSQL), and the caller may answer 250.
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
}
