package io.tlsrpt.collector.web;

import io.tlsrpt.collector.published.RecordKinds;
import io.tlsrpt.collector.store.Period;
import io.tlsrpt.collector.store.view.RecordVersion;
import io.tlsrpt.collector.store.view.DaySessions;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Geometry of the sessions-per-day bar chart, drawn by the template as inline SVG (no script, no CDN): one
 * stacked bar per day of the period, failed sessions on top in red.
 */
record DailyChart(int width, int height, long max, List<Bar> bars, List<Marker> markers) {
    static final int WIDTH = 900;
    static final int HEIGHT = 180;
    /** Longer periods are drawn by week so that a bar stays at least a pixel wide. */
    static final int MAX_BARS = 400;

    /** A change of a published record, drawn as a vertical line on the day it was first seen. */
    record Marker(double x, String label) {
    }

    record Bar(double x, double width, double okY, double okHeight, double failY, double failHeight,
               String label) {
    }

    static DailyChart of(Period period, List<DaySessions> days, List<RecordVersion> versions) {
        long span = ChronoUnit.DAYS.between(period.from(), period.to()) + 1;
        int bucketDays = (int) Math.max(1, (span + MAX_BARS - 1) / MAX_BARS);
        int buckets = (int) ((span + bucketDays - 1) / bucketDays);
        long[] ok = new long[buckets];
        long[] failed = new long[buckets];
        for (DaySessions d : days) {
            int b = (int) (ChronoUnit.DAYS.between(period.from(), d.day()) / bucketDays);
            if (b >= 0 && b < buckets) {
                ok[b] += d.successful();
                failed[b] += d.failed();
            }
        }
        long max = 1;
        for (int b = 0; b < buckets; b++) {
            max = Math.max(max, ok[b] + failed[b]);
        }
        double w = (double) WIDTH / buckets;
        List<Bar> bars = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            double okH = HEIGHT * (double) ok[b] / max;
            double failH = HEIGHT * (double) failed[b] / max;
            LocalDate first = period.from().plusDays((long) b * bucketDays);
            String label = (bucketDays == 1 ? first.toString() : first + " (+" + (bucketDays - 1) + " days)")
                    + ": " + ok[b] + " successful, " + failed[b] + " failed";
            bars.add(new Bar(b * w, Math.max(0.5, w - 1), HEIGHT - okH, okH, HEIGHT - okH - failH, failH, label));
        }
        // The first sighting of each kind is not a change; versions come newest first.
        java.util.Map<String, RecordVersion> first = new java.util.HashMap<>();
        versions.forEach(v -> first.put(v.kind(), v));
        List<Marker> markers = new ArrayList<>();
        for (RecordVersion v : versions) {
            if (first.get(v.kind()) == v) {
                continue;
            }
            LocalDate day = v.firstSeen().atZone(java.time.ZoneOffset.UTC).toLocalDate();
            if (!day.isBefore(period.from()) && !day.isAfter(period.to())) {
                long index = ChronoUnit.DAYS.between(period.from(), day) / bucketDays;
                markers.add(new Marker(index * w + w / 2, RecordKinds.label(v.kind()) + " changed on " + day));
            }
        }
        return new DailyChart(WIDTH, HEIGHT, max, bars, markers);
    }
}
