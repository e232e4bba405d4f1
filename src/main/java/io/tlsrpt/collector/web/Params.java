package io.tlsrpt.collector.web;

import io.tlsrpt.collector.store.PageRequest;
import io.tlsrpt.collector.store.Period;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The query parameters every page and API call shares: period ({@code from}, {@code to}) and paging. */
final class Params {
    /** A period longer than this is refused: a chart or a roll-up scan over it would be unbounded. */
    static final long MAX_DAYS = 20 * 366;

    private Params() {
    }

    /** ISO dates, both inclusive; default the last 30 days up to today (UTC). */
    static Period period(String from, String to) {
        LocalDate end = blank(to) ? LocalDate.now(ZoneOffset.UTC) : date("to", to);
        LocalDate start = blank(from) ? Period.lastDays(end, Period.DEFAULT_DAYS).from() : date("from", from);
        if (end.isBefore(start)) {
            throw new BadRequestException("'to' (" + end + ") is before 'from' (" + start + ")");
        }
        if (ChronoUnit.DAYS.between(start, end) > MAX_DAYS) {
            throw new BadRequestException("the period may span at most " + MAX_DAYS + " days");
        }
        return new Period(start, end);
    }

    /** A period only when one of its ends is given; lists that default to "everything" use this. */
    static Period optionalPeriod(String from, String to) {
        return blank(from) && blank(to) ? null : period(from, to);
    }

    static PageRequest page(Integer limit, Integer offset) {
        int l = limit == null ? PageRequest.DEFAULT_LIMIT : limit;
        int o = offset == null ? 0 : offset;
        if (l < 1 || l > PageRequest.MAX_LIMIT) {
            throw new BadRequestException("limit must be between 1 and " + PageRequest.MAX_LIMIT);
        }
        if (o < 0) {
            throw new BadRequestException("offset must not be negative");
        }
        return new PageRequest(l, o);
    }

    /** A filter value: blank means none. Domains are compared in their normalised (lower-case) form. */
    static String optional(String value) {
        return blank(value) ? null : value.trim();
    }

    static String domain(String value) {
        String v = optional(value);
        if (v == null) {
            return null;
        }
        v = v.toLowerCase(Locale.ROOT);
        return v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
    }

    static String pathSegment(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String queryValue(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static LocalDate date(String name, String value) {
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequestException("'" + name + "' must be an ISO date such as 2026-01-31");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
