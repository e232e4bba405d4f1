package io.tlsrpt.collector.ingest;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the spool's clean-up may record as checkpointed: never past a run that has not committed. */
class RunsInFlightTest {
    private static final Instant T0 = Instant.parse("2026-11-29T06:00:00Z");

    @Test
    void theOldestRunStillGoingBoundsWhatACheckpointCovers() {
        RunsInFlight runs = new RunsInFlight();
        assertTrue(runs.idle());
        assertEquals(T0.plusSeconds(9), runs.coveredBefore(T0.plusSeconds(9)), "nothing running: now");
        runs.begin(T0.plusSeconds(2));
        runs.begin(T0.plusSeconds(2)); // two runs may take the same instant
        runs.begin(T0.plusSeconds(5));
        assertFalse(runs.idle());
        assertEquals(T0.plusSeconds(2), runs.coveredBefore(T0.plusSeconds(9)));
        runs.end(T0.plusSeconds(2));
        assertEquals(T0.plusSeconds(2), runs.coveredBefore(T0.plusSeconds(9)), "one of the two still runs");
        runs.end(T0.plusSeconds(2));
        assertEquals(T0.plusSeconds(5), runs.coveredBefore(T0.plusSeconds(9)));
        assertEquals(T0.plusSeconds(4), runs.coveredBefore(T0.plusSeconds(4)), "a run stamped after now");
        runs.end(T0.plusSeconds(5));
        assertTrue(runs.idle());
    }
}
