package io.tlsrpt.collector.store;

/** Paging of every list: at most {@link #MAX_LIMIT} rows a page, so that no call loads an unbounded list. */
public record PageRequest(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
    }

    public static PageRequest first(int limit) {
        return new PageRequest(limit, 0);
    }
}
