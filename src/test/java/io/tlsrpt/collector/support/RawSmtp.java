package io.tlsrpt.collector.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An SMTP client that sends a message's bytes exactly as given (dot-stuffed, nothing else): Jakarta Mail rewrites
 * headers such as Message-ID on sending, which breaks DKIM signatures.
 */
public final class RawSmtp {
    private RawSmtp() {
    }

    /** @return the reply to the end of DATA, e.g. "250 2.0.0 Ok: stored as message 3" */
    public static String send(int port, String from, String to, byte[] message) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            reply(in);
            command(out, in, "EHLO raw.test");
            command(out, in, "MAIL FROM:<" + from + ">");
            command(out, in, "RCPT TO:<" + to + ">");
            command(out, in, "DATA");
            String text = new String(message, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
            if (!text.endsWith("\r\n")) {
                text += "\r\n";
            }
            text = text.replace("\r\n.", "\r\n..");
            if (text.startsWith(".")) {
                text = "." + text;
            }
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String end = reply(in);
            command(out, in, "QUIT");
            return end;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String command(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply(in);
    }

    private static String reply(BufferedReader in) throws IOException {
        String line;
        StringBuilder all = new StringBuilder();
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed after: " + all);
            }
            all.append(line).append('\n');
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
