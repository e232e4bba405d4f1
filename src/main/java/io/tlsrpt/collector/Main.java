package io.tlsrpt.collector;

import io.micronaut.runtime.Micronaut;
import io.tlsrpt.collector.cli.HashPasswordCommand;
import io.tlsrpt.collector.cli.ImportCommand;
import io.tlsrpt.collector.cli.SendCommand;

import java.util.Arrays;

/**
 * Entry point. Without arguments (or with Micronaut options) it runs the collector; {@code send ...} mails report
 * files to a collector over SMTP; {@code import} back-fills files, mbox and Maildir; {@code hash-password} makes a password hash for {@code tlsrpt.http.auth.users}.
 */
public final class Main {
    private Main() {
    }

    /** H2's shared cache of values ({@code org.h2.engine.SysProperties.OBJECT_CACHE}), read when H2 is first used. */
    private static final String H2_OBJECT_CACHE = "h2.objectCache";

    public static void main(String[] args) throws Exception {
        // H2 looks up every string and number it reads from a page in a shared cache, to reuse equal objects: it hashes
        // each one, and the roll-up keys are 64-character hashes that are seldom equal. Off, processing a backlog of
        // realistic reports took 6-12% less CPU a message (BENCHMARKS.md, 2026-11-29 afternoon). A value given on the
        // command line is left alone.
        if (System.getProperty(H2_OBJECT_CACHE) == null) {
            System.setProperty(H2_OBJECT_CACHE, "false");
        }
        if (args.length > 0 && args[0].equals("send")) {
            System.exit(SendCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("import")) {
            System.exit(ImportCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("hash-password")) {
            System.exit(HashPasswordCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        Micronaut.run(Main.class, args);
    }
}
