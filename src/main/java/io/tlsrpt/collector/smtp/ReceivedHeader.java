package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.IpAddresses;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The real sender as a trusted relay saw it, from the topmost {@code Received} header (the one the relay added last).
 * Understands the "from" clause as Postfix and Sendmail write it ({@code from HELO (rdns [IP])}), as Exim does
 * ({@code from rdns ([IP]:port helo=HELO)}, {@code from [IP] (port=N helo=HELO)}) and as Exchange does
 * ({@code from HELO (IP)}). A header without a "from" clause or without an IP address gives nothing: then the
 * relay's own address and HELO are kept. Only the header section is read, at most {@link #MAX_SCAN} bytes of it.
 */
final class ReceivedHeader {
    static final int MAX_SCAN = 256 * 1024;
    private static final int MAX_HELO = 255;

    /** The real sender: its address and the name it gave in HELO/EHLO (null when the header does not say). */
    record Origin(InetAddress address, String helo) {
        String ip() {
            return address.getHostAddress();
        }
    }

    private ReceivedHeader() {
    }

    static Optional<Origin> topmostOrigin(byte[] message) {
        return topmostValue(message).flatMap(ReceivedHeader::parse);
    }

    /** The unfolded value of the first Received header in the header section, if any. */
    static Optional<String> topmostValue(byte[] m) {
        int end = Math.min(m.length, MAX_SCAN);
        int i = 0;
        while (i < end) {
            int lineEnd = lineEnd(m, i, end);
            int contentEnd = contentEnd(m, i, lineEnd);
            if (contentEnd == i) {
                return Optional.empty(); // the empty line: end of the header section
            }
            if (startsWithName(m, i, contentEnd, "received")) {
                StringBuilder v = new StringBuilder(new String(m, i + 9, contentEnd - i - 9,
                        StandardCharsets.ISO_8859_1));
                int next = lineEnd;
                while (next < end && (m[next] == ' ' || m[next] == '\t')) {
                    int le = lineEnd(m, next, end);
                    v.append(' ').append(new String(m, next, contentEnd(m, next, le) - next,
                            StandardCharsets.ISO_8859_1));
                    next = le;
                }
                return Optional.of(v.toString());
            }
            i = lineEnd;
        }
        return Optional.empty();
    }

    /** Index after the line's LF (or end). */
    private static int lineEnd(byte[] m, int from, int end) {
        for (int i = from; i < end; i++) {
            if (m[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    /** Index of the line's CR LF / LF (its content's end). */
    private static int contentEnd(byte[] m, int from, int lineEnd) {
        int e = lineEnd;
        if (e > from && m[e - 1] == '\n') {
            e--;
        }
        if (e > from && m[e - 1] == '\r') {
            e--;
        }
        return e;
    }

    /** "Received:" (any case, optional blanks before the colon) at the start of the line. */
    private static boolean startsWithName(byte[] m, int from, int to, String name) {
        if (to - from < name.length() + 1) {
            return false;
        }
        for (int k = 0; k < name.length(); k++) {
            if (Character.toLowerCase((char) (m[from + k] & 0xff)) != name.charAt(k)) {
                return false;
            }
        }
        return m[from + name.length()] == ':';
    }

    /** The origin named by one Received header value, if it has a "from" clause with an IP address. */
    static Optional<Origin> parse(String value) {
        String v = value.replace('\r', ' ').replace('\n', ' ').replace('\t', ' ').trim();
        int semicolon = v.lastIndexOf(';');
        if (semicolon >= 0) {
            v = v.substring(0, semicolon); // the date
        }
        List<Token> tokens = tokenize(v);
        if (tokens.isEmpty() || tokens.get(0).comment() || !tokens.get(0).text().equalsIgnoreCase("from")) {
            return Optional.empty();
        }
        String first = null;
        InetAddress address = null;
        String helo = null;
        for (int k = 1; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            if (!t.comment()) {
                String w = t.text().toLowerCase(Locale.ROOT);
                if (w.equals("by") || w.equals("via") || w.equals("with") || w.equals("id") || w.equals("for")) {
                    break; // end of the from clause
                }
                if (first == null) {
                    first = t.text();
                    if (first.startsWith("[") && first.endsWith("]") && address == null) {
                        address = bracketed(first).orElse(null); // Exim without reverse DNS: from [IP]
                    }
                }
                continue;
            }
            // A comment: "(rdns [IP])", "(unknown [IP])", "([IP]:port helo=HELO)", "(port=N helo=HELO)", "(IP)"
            String c = t.text();
            if (address == null) {
                address = firstBracketed(c).or(() -> IpAddresses.parseLiteral(c)).orElse(null);
            }
            int h = indexOfWord(c, "helo=");
            if (helo == null && h >= 0) {
                String rest = c.substring(h + 5).trim();
                int space = rest.indexOf(' ');
                helo = space < 0 ? rest : rest.substring(0, space);
            }
        }
        if (address == null) {
            return Optional.empty();
        }
        String name = helo != null && !helo.isEmpty() ? helo : first;
        return Optional.of(new Origin(address, name == null ? null : clean(name)));
    }

    private record Token(String text, boolean comment) {
    }

    /** Words and (nested) parenthesised comments; a comment's text is without its outer parentheses. */
    private static List<Token> tokenize(String v) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = v.length();
        while (i < n && out.size() < 64) {
            char ch = v.charAt(i);
            if (ch == ' ') {
                i++;
            } else if (ch == '(') {
                int depth = 0;
                int j = i;
                for (; j < n; j++) {
                    char cj = v.charAt(j);
                    if (cj == '\\') {
                        j++;
                    } else if (cj == '(') {
                        depth++;
                    } else if (cj == ')' && --depth == 0) {
                        break;
                    }
                }
                out.add(new Token(v.substring(i + 1, Math.min(j, n)), true));
                i = j + 1;
            } else {
                int j = i;
                while (j < n && v.charAt(j) != ' ' && v.charAt(j) != '(') {
                    j++;
                }
                out.add(new Token(v.substring(i, j), false));
                i = j;
            }
        }
        return out;
    }

    private static Optional<InetAddress> firstBracketed(String c) {
        int open = c.indexOf('[');
        while (open >= 0) {
            int close = c.indexOf(']', open);
            if (close < 0) {
                return Optional.empty();
            }
            Optional<InetAddress> a = IpAddresses.parseLiteral(c.substring(open + 1, close));
            if (a.isPresent()) {
                return a;
            }
            open = c.indexOf('[', close);
        }
        return Optional.empty();
    }

    private static Optional<InetAddress> bracketed(String token) {
        return IpAddresses.parseLiteral(token.substring(1, token.length() - 1));
    }

    private static int indexOfWord(String c, String word) {
        String lower = c.toLowerCase(Locale.ROOT);
        int at = lower.indexOf(word);
        while (at > 0 && lower.charAt(at - 1) != ' ' && lower.charAt(at - 1) != '(') {
            at = lower.indexOf(word, at + 1);
        }
        return at;
    }

    /** Printable ASCII without blanks, at most 255 characters: what a HELO argument can be. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_HELO; i++) {
            char ch = s.charAt(i);
            b.append(ch > 0x20 && ch < 0x7f ? ch : '?');
        }
        return b.toString();
    }
}
