package io.tlsrpt.collector.websecurity;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Plain HTTP requests to a collector on loopback with any headers; redirects are not followed. */
public final class Web {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private Web() {
    }

    public record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public List<String> all(String name) {
            return headers.allValues(name);
        }

        @Override
        public String toString() {
            return status + " " + headers.map() + "\n" + body;
        }
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    public static Answer get(String url, String... headers) {
        return send("GET", url, null, headers);
    }

    public static Answer post(String url, String... headers) {
        return send("POST", url, null, headers);
    }

    /**
     * A request written byte for byte on a socket to 127.0.0.1, for headers the JDK client will not send (Host).
     *
     * @param headers name, value, name, value...; Host among them
     */
    public static Answer raw(int port, String method, String path, String... headers) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            byte[] all = socket.getInputStream().readAllBytes();
            String head = new String(all, StandardCharsets.ISO_8859_1);
            int end = head.indexOf("\r\n\r\n");
            String[] lines = head.substring(0, end).split("\r\n");
            java.util.Map<String, List<String>> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                map.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new java.util.ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            int at = end + 4;
            if (map.getOrDefault("Transfer-Encoding", List.of()).contains("chunked")) {
                while (true) {
                    int eol = head.indexOf("\r\n", at);
                    int size = Integer.parseInt(head.substring(at, eol).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    body.write(all, eol + 2, size);
                    at = eol + 2 + size + 2;
                }
            } else {
                body.write(all, at, all.length - at);
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), body.toString(StandardCharsets.UTF_8),
                    java.net.http.HttpHeaders.of(map, (a, b) -> true));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param headers name, value, name, value... */
    public static Answer send(String method, String url, String form, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(form));
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
