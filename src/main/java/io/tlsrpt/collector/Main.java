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

    public static void main(String[] args) throws Exception {
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
