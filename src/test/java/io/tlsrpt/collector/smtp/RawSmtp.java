package io.tlsrpt.collector.smtp;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A raw SMTP client on a socket, optionally bound to a chosen loopback address (127.0.0.2 ...), for tests. */
final class RawSmtp implements AutoCloseable {
    private static final Pattern STORED = Pattern.compile("stored as message (\\d+)");

    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    private RawSmtp(Socket socket) throws IOException {
        attach(socket);
    }

    /** Connects from {@code localAddress} (null: any) to 127.0.0.1:port; the greeting is not read yet. */
    static RawSmtp connect(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        if (localAddress != null) {
            s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        s.setSoTimeout(20_000);
        return new RawSmtp(s);
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        this.in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        this.out = s.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** One whole reply (all lines of a multi-line reply joined by \n); null when the server closed. */
    String reply() throws IOException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                return all.length() == 0 ? null : all.toString();
            }
            if (all.length() > 0) {
                all.append('\n');
            }
            all.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return all.toString();
            }
        }
    }

    String command(String line) throws IOException {
        send(line);
        return reply();
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a complete transaction and returns the reply to the final dot (or the first refusal). */
    String mail(String from, String to, String message) throws IOException {
        String r = command("MAIL FROM:<" + from + ">");
        if (!r.startsWith("250")) {
            return r;
        }
        r = command("RCPT TO:<" + to + ">");
        if (!r.startsWith("250")) {
            return r;
        }
        r = command("DATA");
        if (!r.startsWith("354")) {
            return r;
        }
        String body = message.replace("\r\n", "\n").replace("\n", "\r\n");
        if (!body.endsWith("\r\n")) {
            body += "\r\n";
        }
        raw(body.replace("\r\n.", "\r\n..").getBytes(StandardCharsets.ISO_8859_1));
        return command(".");
    }

    /** Upgrades to TLS after a 220 to STARTTLS, with the given client context and protocols. */
    SSLSocket startTls(SSLContext context, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost",
                socket.getPort(), true);
        s.setUseClientMode(true);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        s.startHandshake();
        attach(s);
        return s;
    }

    /** True when the server closed the connection (EOF) within the socket time-out. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    static long storedId(String reply) {
        Matcher m = STORED.matcher(reply == null ? "" : reply);
        if (!m.find()) {
            throw new AssertionError("no message id in reply: " + reply);
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
