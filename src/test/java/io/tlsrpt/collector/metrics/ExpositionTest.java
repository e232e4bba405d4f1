package io.tlsrpt.collector.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The text format's escaping and numbers. */
class ExpositionTest {
    @Test
    void labelValuesAreEscaped() {
        assertEquals("a\\\\b\\\"c\\nd", Exposition.escapeLabel("a\\b\"c\nd"));
        assertEquals("ünïcode\tstays", Exposition.escapeLabel("ünïcode\tstays"));
        String line = new Exposition().sample("m", 1, "policy_domain", "x\"} 999\nevil_metric 1").toString();
        assertEquals("m{policy_domain=\"x\\\"} 999\\nevil_metric 1\"} 1\n", line);
        assertEquals(1, line.split("\n").length, "one sample, one line");
    }

    @Test
    void helpTextIsEscaped() {
        String text = new Exposition().family("m", "counter", "a\\b\nc").toString();
        assertEquals("# HELP m a\\\\b\\nc\n# TYPE m counter\n", text);
    }

    @Test
    void numbers() {
        assertEquals("0", Exposition.number(0));
        assertEquals("12345678901", Exposition.number(12345678901d));
        assertEquals("0.005", Exposition.number(0.005));
        assertEquals("1795868517.713", Exposition.number(1.795868517713E9));
        assertEquals("0.0001", Exposition.number(1e-4));
        assertEquals("+Inf", Exposition.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", Exposition.number(Double.NaN));
    }

    @Test
    void histogramBucketsAreCumulative() {
        Histogram h = new Histogram(0.1, 1);
        h.observe(0.05);
        h.observe(0.5);
        h.observe(5);
        Exposition out = new Exposition();
        h.write(out, "t", "channel", "smtp");
        assertEquals("""
                t_bucket{channel="smtp",le="0.1"} 1
                t_bucket{channel="smtp",le="1"} 2
                t_bucket{channel="smtp",le="+Inf"} 3
                t_sum{channel="smtp"} 5.55
                t_count{channel="smtp"} 3
                """, out.toString());
    }
}
