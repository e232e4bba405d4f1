package io.tlsrpt.collector.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks' raw-socket SMTP client: one message on a new connection (EHLO, MAIL, RCPT, DATA, QUIT), as real
 * report senders do. The same code mails the collector and the smtp-sink baseline.
 */
final class SmtpClient {
    static final String HOST = "127.0.0.1";

    private SmtpClient() {
    }

    /**
     * One SMTP session on a new connection.
     *
     * @return nanoseconds from writing the end-of-data line ({@code .CRLF}, after the message was flushed) to
     * reading the 250
     * @throws IOException on any reply other than the expected one, or a connection problem
     */
    static long send(int port, byte[] message, String recipient) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(HOST, port), 10_000);
            socket.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            expect(in, 220);
            command(out, "EHLO bench.reporter.test");
            expect(in, 250);
            command(out, "MAIL FROM:<noreply@reporter.test> SIZE=" + message.length);
            expect(in, 250);
            command(out, "RCPT TO:<" + recipient + ">");
            expect(in, 250);
            command(out, "DATA");
            expect(in, 354);
            writeDotStuffed(out, message);
            out.flush();
            long t0 = System.nanoTime();
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, 250);
            long dataToReply = System.nanoTime() - t0;
            command(out, "QUIT");
            expect(in, 221);
            return dataToReply;
        }
    }

    /** Whether something answers with a 220 greeting on the port (the connection is closed at once). */
    static boolean greets(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1_000);
            socket.setSoTimeout(5_000);
            expect(new BufferedInputStream(socket.getInputStream()), 220);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The message with leading dots doubled, ending in CRLF (the terminating ".CRLF" is written by the caller). */
    private static void writeDotStuffed(OutputStream out, byte[] m) throws IOException {
        boolean lineStart = true;
        for (byte b : m) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
    }

    /** Reads one (possibly multi-line) reply and checks its code. */
    private static void expect(InputStream in, int code) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
            if (lines.size() > 100) {
                throw new IOException("reply too long: " + lines);
            }
        }
        String last = lines.get(lines.size() - 1);
        if (!last.startsWith(String.valueOf(code))) {
            throw new IOException("expected " + code + ", got " + String.join(" | ", lines));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() > 4096) {
                throw new IOException("reply line too long");
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed; read so far: " + sb);
    }
}
