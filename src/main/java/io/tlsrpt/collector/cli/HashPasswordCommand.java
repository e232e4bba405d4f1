package io.tlsrpt.collector.cli;

import io.tlsrpt.collector.web.security.PasswordHash;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code hash-password}: reads a password from standard input (its first line) and prints the PBKDF2-SHA256 hash for
 * {@code tlsrpt.http.auth.users}:
 * <pre>
 *   printf '%s\n' 'the password' | java -jar tlsrpt-collector.jar hash-password --user alice
 *   alice:pbkdf2-sha256$600000$...$...
 * </pre>
 */
public final class HashPasswordCommand {
    static final int MAX_PASSWORD_BYTES = 4096;

    private static final String USAGE = """
            usage: java -jar tlsrpt-collector.jar hash-password [--user NAME] [--iterations N]

            Reads a password from standard input (the first line; the line end is not part of it) and prints its
            hash for tlsrpt.http.auth.users (TLSRPT_HTTP_AUTH_USERS), which takes name:hash entries.

              --user NAME      print NAME:hash, ready to paste as an entry
              --iterations N   PBKDF2 iterations (default %d, at least %d)

            Example: printf '%%s\\n' 'correct horse' | java -jar tlsrpt-collector.jar hash-password --user alice
            """.formatted(PasswordHash.DEFAULT_ITERATIONS, PasswordHash.MIN_ITERATIONS);

    private HashPasswordCommand() {
    }

    /** For Main: asks on the terminal without echo when there is one, else reads standard input. */
    public static int run(String[] args) {
        Console console = System.console();
        if (console == null || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            return run(args, System.in, System.out, System.err);
        }
        char[] first = console.readPassword("Password: ");
        char[] again = console.readPassword("Again: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
            System.err.println("hash-password: the two passwords differ");
            return 1;
        }
        byte[] line = (new String(first) + "\n").getBytes(StandardCharsets.UTF_8);
        Arrays.fill(first, '\0');
        Arrays.fill(again, '\0');
        return run(args, new java.io.ByteArrayInputStream(line), System.out, System.err);
    }

    /**
     * @return 0 when the hash was printed, 1 without a usable password, 2 on a usage error
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String user = null;
        int iterations = PasswordHash.DEFAULT_ITERATIONS;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    out.print(USAGE);
                    return 0;
                }
                case "--user", "--iterations" -> {
                    if (i + 1 >= args.length) {
                        err.println("hash-password: " + a + " needs a value");
                        err.print(USAGE);
                        return 2;
                    }
                    String v = args[++i];
                    if (a.equals("--user")) {
                        if (v.isEmpty() || v.contains(":") || v.contains(",") || !v.equals(v.trim())) {
                            err.println("hash-password: a user name must not be empty and must not contain ':' or ','"
                                    + " or surrounding spaces");
                            return 2;
                        }
                        user = v;
                    } else {
                        try {
                            iterations = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            iterations = -1;
                        }
                        if (iterations < PasswordHash.MIN_ITERATIONS || iterations > PasswordHash.MAX_ITERATIONS) {
                            err.println("hash-password: --iterations must be a number from "
                                    + PasswordHash.MIN_ITERATIONS + " to " + PasswordHash.MAX_ITERATIONS);
                            return 2;
                        }
                    }
                }
                default -> {
                    err.println("hash-password: unknown argument " + a);
                    err.print(USAGE);
                    return 2;
                }
            }
        }
        String password;
        try {
            password = firstLine(in);
        } catch (IOException e) {
            err.println("hash-password: cannot read standard input: " + e.getMessage());
            return 1;
        }
        if (password == null) {
            err.println("hash-password: the password on standard input is longer than " + MAX_PASSWORD_BYTES
                    + " bytes");
            return 1;
        }
        if (password.isEmpty()) {
            err.println("hash-password: no password on standard input");
            err.print(USAGE);
            return 1;
        }
        String hash = PasswordHash.create(password, iterations);
        out.println(user == null ? hash : user + ":" + hash);
        out.flush();
        return 0;
    }

    /** The first line without its line end (LF or CRLF); null when it is too long. */
    private static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (b.size() >= MAX_PASSWORD_BYTES) {
                return null;
            }
            b.write(c);
        }
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
