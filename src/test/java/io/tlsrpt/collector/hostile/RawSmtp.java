package io.tlsrpt.collector.hostile;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SMTP client over a plain socket that sends message bytes exactly as given (only dot-stuffing, RFC 5321
 * §4.5.2), for input that Jakarta Mail would repair or refuse to send: NUL bytes, bare 8-bit bytes, a message cut
 * off in the middle, a connection dropped in the middle of DATA. Every read has a time-out.
 */
public final class RawSmtp implements Closeable {
    private static final Pattern STORED_AS = Pattern.compile("stored as message (\\d+)");
    private static final int MAX_REPLY_LINES = 1000;
    private static final int MAX_LINE = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean messageSent;

    /** One SMTP reply: the code and all its lines' text joined by newlines. */
    public record Reply(int code, String text) {
        /** The id of the stored message, from the collector's "250 2.0.0 Ok: stored as message N"; or -1. */
        public long messageId() {
            Matcher m = STORED_AS.matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    private RawSmtp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /** Connects to 127.0.0.1:port and reads the greeting, which must be 220. */
    public static RawSmtp connect(int port, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            RawSmtp smtp = new RawSmtp(s);
            smtp.expect(smtp.reply(), 220, "greeting");
            return smtp;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * One whole transaction (EHLO, MAIL, RCPT, DATA, message, QUIT).
     *
     * @return the reply to the end of DATA (250, 552, 451...), or the first reply that was not positive
     */
    public static Reply send(int port, String from, String to, byte[] message) throws IOException {
        try (RawSmtp smtp = connect(port, 60_000)) {
            Reply r = smtp.envelope(from, to);
            if (r.code() >= 400) {
                return r;
            }
            Reply done = smtp.data(message);
            smtp.quit();
            return done;
        }
    }

    /** EHLO, MAIL FROM and RCPT TO; the last reply, or the first that was not 2xx. */
    public Reply envelope(String from, String to) throws IOException {
        Reply r = command("EHLO reporter.test");
        if (r.code() != 250) {
            return r;
        }
        r = command("MAIL FROM:<" + from + ">");
        if (r.code() != 250) {
            return r;
        }
        return command("RCPT TO:<" + to + ">");
    }

    /** DATA, the message dot-stuffed, the terminating dot; the server's reply to it. */
    public Reply data(byte[] message) throws IOException {
        messageSent = false;
        Reply r = command("DATA");
        if (r.code() != 354) {
            return r;
        }
        writeStuffed(message, message.length);
        if (message.length > 0 && message[message.length - 1] != '\n') {
            out.write('\r');
            out.write('\n');
        }
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        messageSent = true;
        return reply();
    }

    /**
     * True once the whole message and the terminating dot of the last {@link #data} were written: from then on a
     * failure means the reply was lost, and the server may have stored the message.
     */
    public boolean messageSent() {
        return messageSent;
    }

    /** DATA, then only the first {@code length} bytes of the message, and no terminating dot. */
    public void dataWithoutEnd(byte[] message, int length) throws IOException {
        expect(command("DATA"), 354, "DATA");
        writeStuffed(message, length);
        out.flush();
    }

    public Reply command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    public void quit() {
        try {
            command("QUIT");
        } catch (IOException e) {
            // the server may close first; the transaction is over either way
        }
    }

    /** Drops the connection at once: RST rather than FIN, like a client that crashed. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void writeStuffed(byte[] message, int length) throws IOException {
        boolean lineStart = true;
        for (int i = 0; i < length; i++) {
            byte b = message[i];
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
    }

    private Reply reply() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int lines = 0; lines < MAX_REPLY_LINES; lines++) {
            String line = line();
            if (line.length() < 3) {
                throw new IOException("bad SMTP reply line: " + line);
            }
            int code = Integer.parseInt(line.substring(0, 3));
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new Reply(code, text.toString());
            }
        }
        throw new IOException("SMTP reply longer than " + MAX_REPLY_LINES + " lines");
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (line.size() < MAX_LINE) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        throw new IOException("SMTP reply line longer than " + MAX_LINE);
    }

    private void expect(Reply r, int code, String what) throws IOException {
        if (r.code() != code) {
            throw new IOException(what + ": expected " + code + ", got " + r);
        }
    }
}
