package io.tlsrpt.collector.docker;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of docker/Dockerfile that decide how the image runs, read the way Docker reads them: line
 * continuations joined, comments dropped, the last stage only; exec-form (JSON array) ENTRYPOINT, CMD and
 * HEALTHCHECK CMD; ENV as key=value pairs (quoted values allowed).
 */
final class Dockerfile {
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<String> froms = new ArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    List<String> healthcheck = List.of();
    String healthcheckOptions = "";
    String user;
    String workdir;
    final List<String> volumes = new ArrayList<>();
    final List<String> exposed = new ArrayList<>();

    static Dockerfile parse(Path file) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            instructions.add(current.toString().strip());
            current.setLength(0);
        }
        Dockerfile d = new Dockerfile();
        for (String instruction : instructions) {
            String[] parts = instruction.split("\\s+", 2);
            String keyword = parts[0].toUpperCase();
            String rest = parts.length > 1 ? parts[1] : "";
            switch (keyword) {
                case "FROM" -> { // a new stage: only the last one's settings make the image
                    d.froms.add(rest);
                    d.env.clear();
                    d.entrypoint = List.of();
                    d.cmd = List.of();
                    d.healthcheck = List.of();
                    d.user = null;
                    d.workdir = null;
                    d.volumes.clear();
                    d.exposed.clear();
                }
                case "ENV" -> d.env.putAll(envPairs(rest));
                case "ENTRYPOINT" -> d.entrypoint = array(rest);
                case "CMD" -> d.cmd = array(rest);
                case "USER" -> d.user = rest.strip();
                case "WORKDIR" -> d.workdir = rest.strip();
                case "VOLUME" -> d.volumes.addAll(rest.startsWith("[") ? array(rest) : List.of(rest.split("\\s+")));
                case "EXPOSE" -> d.exposed.addAll(List.of(rest.split("\\s+")));
                case "HEALTHCHECK" -> {
                    int at = rest.indexOf("CMD ");
                    if (at < 0) {
                        throw new IllegalArgumentException("HEALTHCHECK without CMD: " + rest);
                    }
                    d.healthcheckOptions = rest.substring(0, at).strip();
                    d.healthcheck = array(rest.substring(at + 4));
                }
                default -> {
                }
            }
        }
        return d;
    }

    static List<String> array(String json) {
        String s = json.strip();
        if (!s.startsWith("[")) {
            throw new IllegalArgumentException("only the exec form (a JSON array) runs without a shell: " + s);
        }
        try {
            return List.of(JSON.readValue(s, String[].class));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON array: " + s, e);
        }
    }

    static Map<String, String> envPairs(String rest) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < rest.length()) {
            while (i < rest.length() && Character.isWhitespace(rest.charAt(i))) {
                i++;
            }
            int eq = rest.indexOf('=', i);
            if (i >= rest.length()) {
                break;
            }
            if (eq < 0) {
                throw new IllegalArgumentException("ENV needs key=value pairs: " + rest);
            }
            String key = rest.substring(i, eq);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            char quote = 0;
            for (; i < rest.length(); i++) {
                char ch = rest.charAt(i);
                if (quote != 0) {
                    if (ch == quote) {
                        quote = 0;
                    } else if (ch == '\\' && quote == '"' && i + 1 < rest.length()) {
                        value.append(rest.charAt(++i));
                    } else {
                        value.append(ch);
                    }
                } else if (ch == '"' || ch == '\'') {
                    quote = ch;
                } else if (Character.isWhitespace(ch)) {
                    break;
                } else if (ch == '\\' && i + 1 < rest.length()) {
                    value.append(rest.charAt(++i));
                } else {
                    value.append(ch);
                }
            }
            out.put(key, value.toString());
        }
        return out;
    }
}
