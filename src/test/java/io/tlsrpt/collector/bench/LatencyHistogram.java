package io.tlsrpt.collector.bench;

/**
 * Latencies in fixed buckets, so that a run of any length costs the same memory (about 280 KB): 10 µs buckets up to
 * 100 ms, 1 ms buckets up to 60 s, one bucket above. A percentile is the upper edge of the bucket that holds the
 * nearest-rank value (so at most 10 µs, or 1 ms above 100 ms, too high); the maximum and the mean are exact.
 * Thread-safe (synchronized: a few thousand records per second do not contend).
 */
final class LatencyHistogram {
    private static final long FINE_LIMIT_MICROS = 100_000;
    private static final int FINE_STEP_MICROS = 10;
    private static final long COARSE_LIMIT_MICROS = 60_000_000;
    private static final int COARSE_STEP_MICROS = 1_000;
    private static final int FINE = (int) (FINE_LIMIT_MICROS / FINE_STEP_MICROS);
    private static final int COARSE = (int) ((COARSE_LIMIT_MICROS - FINE_LIMIT_MICROS) / COARSE_STEP_MICROS);

    private final long[] counts = new long[FINE + COARSE + 1];
    private long count;
    private long sumNanos;
    private long maxNanos;

    synchronized void record(long nanos) {
        long v = Math.max(0, nanos);
        long micros = v / 1_000;
        int bucket;
        if (micros < FINE_LIMIT_MICROS) {
            bucket = (int) (micros / FINE_STEP_MICROS);
        } else if (micros < COARSE_LIMIT_MICROS) {
            bucket = FINE + (int) ((micros - FINE_LIMIT_MICROS) / COARSE_STEP_MICROS);
        } else {
            bucket = FINE + COARSE;
        }
        counts[bucket]++;
        count++;
        sumNanos += v;
        maxNanos = Math.max(maxNanos, v);
    }

    synchronized long count() {
        return count;
    }

    /** Nearest-rank percentile in milliseconds (upper edge of its bucket, never above the maximum); NaN when empty. */
    synchronized double percentileMillis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdgeMicros(i) / 1000.0, maxNanos / 1e6);
            }
        }
        return maxNanos / 1e6;
    }

    synchronized double maxMillis() {
        return count == 0 ? Double.NaN : maxNanos / 1e6;
    }

    synchronized double meanMillis() {
        return count == 0 ? Double.NaN : sumNanos / 1e6 / count;
    }

    synchronized void add(LatencyHistogram other) {
        long[] c;
        long n;
        long sum;
        long max;
        synchronized (other) {
            c = other.counts.clone();
            n = other.count;
            sum = other.sumNanos;
            max = other.maxNanos;
        }
        for (int i = 0; i < c.length; i++) {
            counts[i] += c[i];
        }
        count += n;
        sumNanos += sum;
        maxNanos = Math.max(maxNanos, max);
    }

    /** A copy of the figures so far, and this one emptied. */
    synchronized LatencyHistogram drain() {
        LatencyHistogram copy = new LatencyHistogram();
        System.arraycopy(counts, 0, copy.counts, 0, counts.length);
        copy.count = count;
        copy.sumNanos = sumNanos;
        copy.maxNanos = maxNanos;
        java.util.Arrays.fill(counts, 0);
        count = 0;
        sumNanos = 0;
        maxNanos = 0;
        return copy;
    }

    private static long upperEdgeMicros(int bucket) {
        if (bucket < FINE) {
            return (long) (bucket + 1) * FINE_STEP_MICROS;
        }
        if (bucket < FINE + COARSE) {
            return FINE_LIMIT_MICROS + (long) (bucket - FINE + 1) * COARSE_STEP_MICROS;
        }
        return Long.MAX_VALUE / 1000;
    }
}
