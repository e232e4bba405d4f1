package io.tlsrpt.collector.store;

import java.util.List;

/** One page of a list, with the total number of items over all pages. */
public record Page<T>(List<T> items, long total, int limit, int offset) {
    public Page {
        items = List.copyOf(items);
    }

    /** Position of the first item on this page, counting from 1 (0 when the page is empty). */
    public long firstItem() {
        return items.isEmpty() ? 0 : offset + 1L;
    }

    public long lastItem() {
        return offset + (long) items.size();
    }

    public boolean hasNext() {
        return offset + items.size() < total;
    }

    public boolean hasPrevious() {
        return offset > 0;
    }

    public int nextOffset() {
        return offset + limit;
    }

    public int previousOffset() {
        return Math.max(0, offset - limit);
    }
}
