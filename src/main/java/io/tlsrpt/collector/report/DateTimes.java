package io.tlsrpt.collector.report;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the "start-datetime" / "end-datetime" strings of RFC 8460 §4.4, which are RFC 3339 §5.6 date-times. */
final class DateTimes {

    // RFC 3339 §5.6 date-time, widened in three explicit places (groups 4, 8 and the optional offset):
    //  - separator: 'T', 't' (a §5.6 NOTE allows lower-case "t" and "z") or ' ' (another §5.6 NOTE lets applications
    //    separate date and time "by (say) a space character"; no sender in the corpus does, but it is the RFC's own
    //    alternative and some date libraries print it);
    //  - fraction: any number of digits (time-secfrac = "." 1*DIGIT); beyond nanoseconds they are dropped;
    //  - offset: may be missing. mox (tlsrpt/report.go) found Microsoft sending "2023-…T00:00:00" with no time zone;
    //    RFC 8460 §4.1 says reports cover UTC days, so UTC is the only reading that makes sense.
    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})([Tt ])(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?"
                    + "(?:([Zz])|([+-])(\\d{2}):(\\d{2}))?");

    private DateTimes() {
    }

    /** @throws Rejection invalid-date naming {@code path} when {@code raw} is not a date-time even read leniently */
    static Instant parse(String raw, String path, Notes notes) {
        Matcher m = DATE_TIME.matcher(raw);
        if (!m.matches()) {
            throw invalid(raw, path);
        }
        try {
            int second = Integer.parseInt(m.group(7));
            // RFC 3339 §5.6 allows time-second 60 for a leap second; java.time has none, so take the second before it
            // (an end-datetime of 23:59:60Z still ends the same UTC day).
            if (second == 60) {
                second = 59;
                notes.add(Notes.LEAP_SECOND);
            }
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                    second, nanos(m.group(8)));
            if (m.group(4).equals(" ")) {
                notes.add(Notes.SPACE_SEPARATOR);
            }
            return local.toInstant(offset(m, notes));
        } catch (DateTimeException e) {
            // Fields in the right shape but out of range: month 13, February 30, offset +25:00, hour 24.
            throw invalid(raw, path);
        }
    }

    private static ZoneOffset offset(Matcher m, Notes notes) {
        if (m.group(9) != null) {
            return ZoneOffset.UTC;
        }
        if (m.group(10) == null) {
            notes.add(Notes.NO_TIME_ZONE);
            return ZoneOffset.UTC;
        }
        int sign = m.group(10).equals("-") ? -1 : 1;
        return ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(m.group(11)), sign * Integer.parseInt(m.group(12)));
    }

    private static int nanos(String fraction) {
        if (fraction == null) {
            return 0;
        }
        String nine = fraction.length() >= 9 ? fraction.substring(0, 9) : (fraction + "000000000").substring(0, 9);
        return Integer.parseInt(nine);
    }

    private static Rejection invalid(String raw, String path) {
        return new Rejection(ParseOutcome.Unusable.INVALID_DATE,
                path + ": not an RFC 3339 date-time: " + Details.quote(raw));
    }
}
