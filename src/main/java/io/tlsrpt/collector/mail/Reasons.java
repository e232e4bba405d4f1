package io.tlsrpt.collector.mail;

/** Builds problem reasons that are safe to log and show: hostile strings are quoted, escaped and shortened. */
final class Reasons {

    private static final int MAX_QUOTED = 120;
    private static final int PREVIEW_BYTES = 8;

    private Reasons() {
    }

    /** {@code "value"} with control characters, quotes and backslashes escaped; long values shortened. */
    static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 8).append('"');
        for (int i = 0; i < value.length(); i++) {
            if (i == MAX_QUOTED) {
                out.append("...");
                break;
            }
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** The exception's message (quoted), or its class name when it has none. */
    static String of(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : quote(message);
    }

    /** The first bytes in hex, e.g. "3c 68 74 6d", or "empty". */
    static String firstBytes(byte[] body) {
        if (body.length == 0) {
            return "empty";
        }
        StringBuilder out = new StringBuilder("starts with");
        for (int i = 0; i < Math.min(PREVIEW_BYTES, body.length); i++) {
            out.append(String.format(" %02x", body[i] & 0xff));
        }
        return out.toString();
    }
}
