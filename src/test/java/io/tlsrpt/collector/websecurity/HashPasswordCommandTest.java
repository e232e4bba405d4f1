package io.tlsrpt.collector.websecurity;

import io.tlsrpt.collector.cli.HashPasswordCommand;
import io.tlsrpt.collector.web.security.PasswordHash;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hash-password}: reads the first line of standard input, prints a hash that verifies. */
class HashPasswordCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = HashPasswordCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsAHashOfTheFirstLineThatVerifies() {
        Run r = run("s3cret pässword\nsecond line ignored\n");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        String hash = r.out().strip();
        assertTrue(r.out().endsWith("\n"));
        assertTrue(hash.startsWith("pbkdf2-sha256$600000$"), hash);
        assertEquals(4, hash.split("\\$").length);
        assertFalse(r.out().contains("s3cret"));
        PasswordHash h = PasswordHash.parse(hash);
        assertTrue(h.matches("s3cret pässword"));
        assertFalse(h.matches("s3cret pässword\n"));
        assertFalse(h.matches("second line ignored"));
    }

    @Test
    void userAndIterationsAndWindowsLineEnds() {
        Run r = run("hunter2\r\n", "--user", "alice", "--iterations", "20000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("alice:pbkdf2-sha256$20000$"), r.out());
        PasswordHash h = PasswordHash.parse(r.out().strip().substring("alice:".length()));
        assertTrue(h.matches("hunter2"));
        Run noNewline = run("hunter2", "--iterations", "10000");
        assertEquals(0, noNewline.code());
        assertTrue(PasswordHash.parse(noNewline.out().strip()).matches("hunter2"));
    }

    @Test
    void refusesWhatItCannotUse() {
        Run empty = run("");
        assertEquals(1, empty.code());
        assertTrue(empty.err().contains("no password on standard input"), empty.err());
        assertEquals("", empty.out());
        assertEquals(1, run("\nsecond\n").code(), "an empty first line is no password");
        assertEquals(1, run("x".repeat(5000)).code(), "too long");
        assertEquals(2, run("pw\n", "--iterations", "100").code());
        assertEquals(2, run("pw\n", "--iterations").code());
        assertEquals(2, run("pw\n", "--user", "a:b").code());
        Run unknown = run("pw\n", "--verbose");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown argument --verbose"), unknown.err());
        Run help = run("", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("usage: java -jar tlsrpt-collector.jar hash-password"), help.out());
    }
}
