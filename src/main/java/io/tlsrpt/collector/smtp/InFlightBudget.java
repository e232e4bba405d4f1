package io.tlsrpt.collector.smtp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of DATA held in memory by all sessions together. Each message is kept in memory until it is stored, so a
 * thousand connections sending the maximum size at once would otherwise need gigabytes of heap. When the budget is
 * spent, the next message is read to its end and answered {@code 452 4.3.1}: try again later.
 */
final class InFlightBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    InFlightBudget(long limit) {
        this.limit = limit;
    }

    /** A quarter of the maximum heap. */
    static InFlightBudget fromHeap() {
        return new InFlightBudget(Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 4));
    }

    boolean tryAcquire(long bytes) {
        while (true) {
            long u = used.get();
            if (u + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    long limit() {
        return limit;
    }

    long used() {
        return used.get();
    }
}
