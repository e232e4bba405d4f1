package io.tlsrpt.collector.ingest;

import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Messages (over SMTP) or reports (over HTTPS) per client per minute, as a token bucket: a client may send
 * {@code perMinute} at once, then one more every {@code 60 / perMinute} seconds. Buckets that are full again are dropped, so memory follows the clients
 * of the last minute.
 */
public final class ClientRateLimiter {
    private static final long MINUTE_NANOS = 60_000_000_000L;
    private static final int SWEEP_ABOVE = 10_000;
    private static final long SWEEP_EVERY_NANOS = 10_000_000_000L;

    private final int perMinute;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    private final class Bucket {
        private double tokens = perMinute;
        private long updated;

        Bucket(long now) {
            this.updated = now;
        }

        /** 0 when a token was taken, otherwise the nanoseconds until the next one. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * MINUTE_NANOS / perMinute);
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= perMinute;
        }

        private void refill(long now) {
            long elapsed = now - updated;
            if (elapsed > 0) {
                tokens = Math.min(perMinute, tokens + (double) elapsed * perMinute / MINUTE_NANOS);
                updated = now;
            }
        }
    }

    public ClientRateLimiter(int perMinute, LongSupplier nanoClock) {
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
        this.lastSweep = nanoClock.getAsLong();
    }

    public int perMinute() {
        return perMinute;
    }

    /** Empty when the client may send a message now; otherwise the whole seconds to wait (at least 1). */
    public OptionalLong tryAcquire(String clientKey) {
        if (perMinute <= 0) {
            return OptionalLong.empty();
        }
        long now = nanoClock.getAsLong();
        sweep(now);
        long wait = buckets.computeIfAbsent(clientKey, k -> new Bucket(now)).take(now);
        if (wait == 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L));
    }

    private void sweep(long now) {
        if (buckets.size() <= SWEEP_ABOVE || now - lastSweep < SWEEP_EVERY_NANOS) {
            return;
        }
        lastSweep = now;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (it.next().full(now)) {
                it.remove();
            }
        }
    }

    public int trackedClients() {
        return buckets.size();
    }
}
