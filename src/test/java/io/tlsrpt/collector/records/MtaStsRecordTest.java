package io.tlsrpt.collector.records;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8461 §3.1 record parsing. */
class MtaStsRecordTest {

    static void assertProblem(MtaStsRecord r, String... fragments) {
        assertTrue(r.problems().stream().anyMatch(p -> List.of(fragments).stream().allMatch(p::contains)),
                "a problem with " + List.of(fragments) + " in " + r.problems());
    }

    @Test
    void theRfcExampleIsValid() {
        MtaStsRecord r = MtaStsRecord.parse("v=STSv1; id=20160831085700Z;");
        assertEquals("STSv1", r.version());
        assertEquals("20160831085700Z", r.id());
        assertEquals(List.of(), r.problems());
        assertEquals(List.of(), r.warnings());
        assertTrue(MtaStsRecord.isMtaSts(r.raw()));
    }

    @Test
    void idIsOneToThirtyTwoLettersAndDigits() {
        assertEquals(List.of(), MtaStsRecord.parse("v=STSv1; id=" + "a".repeat(32)).problems());
        assertEquals(List.of(), MtaStsRecord.parse("v=STSv1; id=1").problems());
        assertProblem(MtaStsRecord.parse("v=STSv1; id=" + "a".repeat(33)), "field 2 (id)", "33 characters");
        assertProblem(MtaStsRecord.parse("v=STSv1; id=2024-01-01"), "field 2 (id)", "'-'");
        assertProblem(MtaStsRecord.parse("v=STSv1; id="), "the id is empty");
        assertProblem(MtaStsRecord.parse("v=STSv1;"), "no id field");
        assertProblem(MtaStsRecord.parse("v=STSv1; id=1; id=2"), "field 3", "second id");
        assertProblem(MtaStsRecord.parse("v=STSv1; ID=1"), "lower case 'id'");
        assertEquals("id", MtaStsRecord.analyse("v=STSv1; id=a-b").issues().get(0).key());
    }

    @Test
    void theVersionComesFirstAndExactly() {
        assertProblem(MtaStsRecord.parse("id=1; v=STSv1"), "must begin with v=STSv1");
        assertProblem(MtaStsRecord.parse("v=STSV1; id=1"), "'STSV1' is not STSv1 (a typo?)");
        assertTrue(MtaStsRecord.isVersionTypo("v=stsv1; id=1"));
        assertFalse(MtaStsRecord.isMtaSts("v=stsv1; id=1"));
        assertFalse(MtaStsRecord.isVersionTypo("v=TLSRPTv1; rua=mailto:a@example.com"));
        assertProblem(MtaStsRecord.parse(""), "empty");
        assertNull(MtaStsRecord.parse(null).id());
    }

    @Test
    void extensionsAndOddities() {
        MtaStsRecord r = MtaStsRecord.parse("v=STSv1 ;id=abc; foo=bar");
        assertEquals("abc", r.id());
        assertEquals(List.of("foo=bar"), r.extensions());
        assertEquals(List.of(), r.problems());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("erratum 6285")));
        assertProblem(MtaStsRecord.parse("v=STSv1; id=abc; foo=b r"), "field 3 (foo)");
        assertProblem(MtaStsRecord.parse("v=STSv1; id=abc; foo"), "field 3", "name=value");
        assertProblem(MtaStsRecord.parse("v=STSv1; id=\u00e4bc"), "US-ASCII");
        assertProblem(MtaStsRecord.parse("v=STSv1; id = abc"), "spaces around '='");
    }
}
