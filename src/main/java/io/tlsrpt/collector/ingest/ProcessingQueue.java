package io.tlsrpt.collector.ingest;

import io.micronaut.context.annotation.Context;
import io.tlsrpt.collector.config.ProcessingSettings;
import io.tlsrpt.collector.store.MessageStore;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs processing after the 250 in the background, on {@code tlsrpt.processing.workers} threads; a message id is
 * queued at most once at a time, so no message is processed by two workers at once. What the queue cannot take, and
 * what a crash left unprocessed, is found by the sweep: at start-up (after the spool recovery) and then every
 * {@code tlsrpt.processing.sweep-interval} seconds, stored messages in state "received" are processed; after the
 * queue turned messages away, also as soon as it is half empty, going on from where the sweep that filled it stopped.
 */
@Context
public class ProcessingQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessingQueue.class);

    private final MessageProcessor processor;
    private final MessageStore messages;
    private final boolean enabled;
    private final int capacity;
    private final Set<Long> queued = ConcurrentHashMap.newKeySet();
    /**
     * Set when the queue turned a message away: the sweep finds it in the database, and is started early, when the
     * queue is half empty, instead of at its next interval (a burst bigger than the queue would otherwise leave the
     * workers idle for up to a sweep interval while the messages it turned away wait).
     */
    private final AtomicBoolean turnedAway = new AtomicBoolean();
    private final AtomicLong turnedAwayCount = new AtomicLong();
    /**
     * Where the sweep that filled the queue stopped: the early sweep goes on from there. The messages before it are
     * queued or done (a backlog of 200,000 made each early sweep read the ids of the 5,000 still queued again,
     * message row by message row, before it found new ones); the sweep every interval starts from the first id, for
     * messages that failed, waited for a retry time, or were stored by another instance.
     */
    private volatile long resumeAfter;
    private final ThreadPoolExecutor worker;
    private final AtomicInteger threads = new AtomicInteger();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "tlsrpt-sweep"));

    /**
     * @param spool taken so that its start-up recovery (messages the database lost in a crash, stored again) has run
     *              before the first sweep
     */
    public ProcessingQueue(MessageProcessor processor, MessageStore messages, ProcessingSettings settings,
                           SpoolKeeper spool) {
        this.processor = processor;
        this.messages = messages;
        this.enabled = settings.enabled();
        int workers = Math.max(1, settings.workers());
        this.capacity = Math.max(1, settings.queueCapacity());
        this.worker = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(capacity),
                r -> daemon(r, "tlsrpt-processing-" + threads.incrementAndGet()));
        if (!enabled) {
            LOG.warn("tlsrpt.processing.enabled is false: messages are stored but not processed");
            return;
        }
        sweeper.scheduleWithFixedDelay(this::sweep, 0, Math.max(1, settings.sweepInterval()), TimeUnit.SECONDS);
    }

    /** Queues a stored message for processing; when the queue is full the sweep will find it later. */
    public void submit(long messageId) {
        offer(messageId);
    }

    /** Queues the message unless it is queued already; false when the full queue turned it away. */
    private boolean offer(long messageId) {
        if (!enabled || !queued.add(messageId)) {
            return true;
        }
        try {
            worker.execute(() -> {
                try {
                    processor.process(messageId);
                } catch (RuntimeException e) {
                    LOG.error("message {}: processing failed, the sweep will retry", messageId, e);
                } finally {
                    queued.remove(messageId);
                    sweepEarlyWhenHalfEmpty();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(messageId);
            turnedAwayCount.incrementAndGet();
            turnedAway.set(true);
            return false;
        }
        return true;
    }

    private void sweepEarlyWhenHalfEmpty() {
        if (turnedAway.get() && worker.getQueue().size() <= capacity / 2 && turnedAway.compareAndSet(true, false)) {
            try {
                sweeper.execute(() -> sweepAfter(resumeAfter));
            } catch (RejectedExecutionException e) {
                // stopping: the next start's sweep finds the messages
            }
        }
    }

    /** Queues every stored message that is not processed yet. */
    public void sweep() {
        sweepAfter(0);
    }

    /**
     * Queues the stored messages not processed yet whose ids are above {@code after}, oldest first, until the queue
     * is full; then records in {@link #resumeAfter} the id before the first one it turned away.
     */
    private void sweepAfter(long after) {
        try {
            while (worker.getQueue().remainingCapacity() > 0) {
                List<Long> ids = messages.unprocessed(after, 500);
                if (ids.isEmpty()) {
                    resumeAfter = 0;
                    return;
                }
                for (long id : ids) {
                    if (!offer(id)) {
                        resumeAfter = id - 1;
                        return;
                    }
                }
                after = ids.get(ids.size() - 1);
            }
            resumeAfter = after;
        } catch (RuntimeException e) {
            LOG.warn("sweep for unprocessed messages failed: {}", e.getMessage());
        }
    }

    /** Threads that process messages. */
    public int workers() {
        return worker.getMaximumPoolSize();
    }

    /** Messages the full queue turned away since the start (each waited in the database for the sweep). */
    public long turnedAway() {
        return turnedAwayCount.get();
    }

    /** Messages waiting or being processed now. */
    public int backlog() {
        return queued.size();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        sweeper.shutdownNow();
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
