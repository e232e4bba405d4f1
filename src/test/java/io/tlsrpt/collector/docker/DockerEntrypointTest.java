package io.tlsrpt.collector.docker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No Docker engine runs here, so this runs what the image would: the Dockerfile's ENTRYPOINT and CMD, with its ENV,
 * as a process of its own (from target/tlsrpt-collector-*.jar when a fresh one was built, else the same main class
 * from the test class path), over a temporary data directory and free loopback ports; waits for GET /health 200,
 * then runs the HEALTHCHECK command exactly as written, which must succeed (and fail against a port where nothing
 * listens). It also checks what the image promises: a non-root user, the data directory on a volume, SMTP on the
 * exposed port, and compose.yaml's PostgreSQL set-up.
 */
class DockerEntrypointTest {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DOCKERFILE = ROOT.resolve("docker/Dockerfile");
    static final Path COMPOSE = ROOT.resolve("docker/compose.yaml");
    static final String MAIN_CLASS = "io.tlsrpt.collector.Main";

    static Dockerfile image;
    /** The jar the image runs, as named in the Dockerfile. */
    static String imageJar;

    @TempDir
    Path temp;
    Process process;
    final StringBuffer output = new StringBuffer();

    @BeforeAll
    static void parse() throws IOException {
        image = Dockerfile.parse(DOCKERFILE);
        List<String> command = command(image);
        int jar = command.indexOf("-jar");
        assertTrue(jar > 0 && jar + 1 < command.size(), "the image runs java -jar: " + command);
        imageJar = command.get(jar + 1);
    }

    static List<String> command(Dockerfile d) {
        List<String> c = new ArrayList<>(d.entrypoint);
        c.addAll(d.cmd);
        return c;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM, as docker stop sends
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theImageIsBuiltWithMavenAndRunsOnAJreAsANonRootUser() {
        assertTrue(image.froms.size() >= 2, "a build stage and a runtime stage: " + image.froms);
        assertTrue(image.froms.get(0).contains("maven"), image.froms.toString());
        assertTrue(image.froms.get(image.froms.size() - 1).contains("-jre"), image.froms.toString());
        assertNotNull(image.user, "USER");
        assertFalse(image.user.equals("root") || image.user.startsWith("0"), "runs as " + image.user);
        String dataDir = image.env.get("TLSRPT_DATA_DIR");
        assertNotNull(dataDir, "TLSRPT_DATA_DIR");
        assertTrue(image.volumes.stream().anyMatch(v -> dataDir.equals(v) || dataDir.startsWith(v + "/")),
                "the data directory " + dataDir + " is on a volume: " + image.volumes);
        assertTrue(image.exposed.contains(image.env.get("TLSRPT_SMTP_PORT")), "SMTP port exposed: " + image.exposed);
        assertTrue(image.exposed.contains(image.env.get("MICRONAUT_SERVER_PORT")), image.exposed.toString());
        assertFalse(image.healthcheck.isEmpty(), "HEALTHCHECK");
        assertTrue(image.healthcheckOptions.contains("--start-period"), image.healthcheckOptions);
    }

    @Test
    void composeRunsTheCollectorWithPostgresAndSmtpOnPort25() throws IOException {
        Map<String, Object> compose;
        try (InputStream in = Files.newInputStream(COMPOSE)) {
            compose = new Yaml().load(in);
        }
        Map<String, Object> services = map(compose.get("services"));
        Map<String, Object> collector = map(services.get("collector"));
        Map<String, Object> db = map(services.get("db"));
        assertEquals("docker/Dockerfile", map(collector.get("build")).get("dockerfile"));
        List<?> ports = (List<?>) collector.get("ports");
        assertTrue(ports.contains("25:" + image.env.get("TLSRPT_SMTP_PORT")), "SMTP on the host's port 25: " + ports);
        assertTrue(ports.contains("127.0.0.1:8080:" + image.env.get("MICRONAUT_SERVER_PORT")),
                "dashboard on the host's loopback only: " + ports);
        Map<String, Object> env = map(collector.get("environment"));
        assertEquals("jdbc:postgresql://db:5432/tlsrpt", env.get("DATASOURCES_DEFAULT_URL"));
        assertEquals("org.postgresql.Driver", env.get("DATASOURCES_DEFAULT_DRIVER_CLASS_NAME"));
        assertEquals("service_healthy", map(map(collector.get("depends_on")).get("db")).get("condition"));
        assertTrue(String.valueOf(db.get("image")).startsWith("postgres:"), String.valueOf(db.get("image")));
        assertNotNull(db.get("healthcheck"));
        assertEquals(env.get("DATASOURCES_DEFAULT_PASSWORD"), map(db.get("environment")).get("POSTGRES_PASSWORD"));
        List<?> volumes = (List<?>) collector.get("volumes");
        assertTrue(volumes.stream().anyMatch(v -> String.valueOf(v).endsWith(":" + image.volumes.get(0))),
                "the image's volume is mounted: " + volumes);
    }

    @Test
    void theEntrypointStartsTheCollectorAndTheHealthCheckPasses() throws Exception {
        int http = freePort();
        int smtp = freePort();
        Map<String, String> env = environment(http, smtp);
        List<String> command = runnable(command(image));
        System.out.println("the image's command, as run here: "
                + String.join(" ", command).replace(System.getProperty("java.class.path"), "<test class path>"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(Files.createDirectories(temp.resolve("work")).toFile())
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        process = pb.start();
        drain(process.getInputStream());

        waitForHealth(http);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), smtp);
             BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
            s.setSoTimeout(10_000);
            assertTrue(r.readLine().startsWith("220 "), "an SMTP greeting on the image's SMTP port");
        }
        assertTrue(Files.exists(Path.of(env.get("TLSRPT_DATA_DIR")).resolve("tlsrpt.mv.db")),
                "the database is in TLSRPT_DATA_DIR");

        List<String> check = runnable(image.healthcheck);
        assertEquals(0, run(check, env), "HEALTHCHECK " + check);
        Map<String, String> nothingThere = new HashMap<>(env);
        nothingThere.put("MICRONAUT_SERVER_PORT", String.valueOf(freePort()));
        assertEquals(1, run(check, nothingThere), "the health check fails where nothing answers");

        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM (docker stop)");
        assertNotEquals(-1, process.exitValue());
    }

    /**
     * The image's environment with what differs outside the image: the data directory (a temporary one; the image's
     * lives on its volume), the ports (free ones) and the bind addresses (loopback: no test listens beyond this
     * machine). PATH as the image's JRE has it is the test JVM's.
     */
    Map<String, String> environment(int http, int smtp) throws IOException {
        Map<String, String> env = new HashMap<>(image.env);
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + "/usr/bin:/bin");
        env.put("HOME", temp.toString());
        env.put("TLSRPT_DATA_DIR", Files.createDirectories(temp.resolve("data")).toString());
        env.put("MICRONAUT_SERVER_PORT", String.valueOf(http));
        env.put("TLSRPT_SMTP_PORT", String.valueOf(smtp));
        env.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
        env.put("TLSRPT_SMTP_HOST", "127.0.0.1");
        env.put("TLSRPT_DNS_SERVERS", "127.0.0.1:9"); // no look-up leaves the machine
        return env;
    }

    /**
     * The command as the image runs it, with the image's jar replaced by the jar built from this tree when there is
     * a fresh one, else by the test class path and the same main class; {@code java} is the test's JVM.
     */
    static List<String> runnable(List<String> command) throws IOException {
        Path jar = freshJar();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            if (i == 0 && arg.equals("java")) {
                out.add(java);
            } else if (arg.equals("-jar") && i + 1 < command.size() && command.get(i + 1).equals(imageJar)
                    && jar == null) {
                out.add("-cp");
                out.add(System.getProperty("java.class.path"));
                out.add(MAIN_CLASS);
                i++;
            } else if (arg.equals(imageJar)) {
                out.add(jar != null ? jar.toString() : System.getProperty("java.class.path"));
            } else {
                out.add(arg);
            }
        }
        return out;
    }

    /** target/tlsrpt-collector-*.jar when it is newer than every compiled class and has the health probe in it. */
    static Path freshJar() throws IOException {
        Path target = ROOT.resolve("target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        Path jar;
        try (Stream<Path> s = Files.list(target)) {
            jar = s.filter(p -> p.getFileName().toString().matches("tlsrpt-collector-[0-9.]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElse(null);
        }
        if (jar == null) {
            return null;
        }
        long built = Files.getLastModifiedTime(jar).toMillis();
        Path classes = target.resolve("classes");
        if (Files.isDirectory(classes)) {
            try (Stream<Path> s = Files.walk(classes)) {
                if (s.anyMatch(p -> lastModified(p) > built)) {
                    return null;
                }
            }
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            boolean complete = j.getEntry("io/tlsrpt/collector/cli/HealthProbe.class") != null
                    && MAIN_CLASS.equals(j.getManifest().getMainAttributes().getValue("Main-Class"));
            return complete ? jar : null;
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    void waitForHealth(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.currentTimeMillis() + 120_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the collector exited with " + process.exitValue() + ":\n" + output);
            }
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no healthy /health within 120 s (" + last + "):\n" + output);
    }

    int run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the health check did not end within 30 s");
        }
        output.append("[health check] ").append(new String(out, StandardCharsets.UTF_8));
        return p.exitValue();
    }

    void drain(InputStream in) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (output.length() < 200_000) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "collector-output");
        t.setDaemon(true);
        t.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertNotNull(o);
        return (Map<String, Object>) o;
    }
}
