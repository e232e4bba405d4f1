package io.tlsrpt.collector.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram in seconds with fixed upper bounds; observations are lock-free. */
final class Histogram {
    private final double[] bounds;
    private final AtomicLongArray buckets;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    Histogram(double... bounds) {
        this.bounds = bounds.clone();
        this.buckets = new AtomicLongArray(bounds.length);
    }

    void observe(double seconds) {
        for (int i = 0; i < bounds.length; i++) {
            if (seconds <= bounds[i]) {
                buckets.incrementAndGet(i);
                break;
            }
        }
        sum.add(seconds);
        count.increment();
    }

    long count() {
        return count.sum();
    }

    /** Writes the cumulative buckets, the sum and the count, with the given labels added to each sample. */
    void write(Exposition out, String name, String... labels) {
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += buckets.get(i);
            out.sample(name + "_bucket", cumulative, with(labels, "le", Exposition.number(bounds[i])));
        }
        long total = count.sum();
        out.sample(name + "_bucket", total, with(labels, "le", "+Inf"));
        out.sample(name + "_sum", sum.sum(), labels);
        out.sample(name + "_count", total, labels);
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] all = new String[labels.length + 2];
        System.arraycopy(labels, 0, all, 0, labels.length);
        all[labels.length] = name;
        all[labels.length + 1] = value;
        return all;
    }
}
