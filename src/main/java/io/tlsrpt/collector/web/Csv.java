package io.tlsrpt.collector.web;

/**
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted (and its quotes
 * doubled) when it holds a comma, a quote, CR or LF. Text cells are written so that a spreadsheet never runs them
 * as formulas: one that starts with {@code = + - @}, a tab or a CR gets a leading {@code '} (report fields are
 * written by strangers). Numbers are written as they are.
 */
public final class Csv {
    static final String CRLF = "\r\n";

    private Csv() {
    }

    /** One record: each value is a cell ({@code null} an empty one), followed by CRLF. */
    public static void record(StringBuilder out, Object... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            Object v = values[i];
            if (v == null) {
                continue;
            }
            if (v instanceof Number n) {
                out.append(n);
            } else {
                out.append(cell(v.toString()));
            }
        }
        out.append(CRLF);
    }

    /** A text cell: neutralised against formulas, then quoted when it must be. */
    public static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = neutralise(value);
        boolean quote = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                quote = true;
                break;
            }
        }
        return quote ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    /** {@code '=1+2} for {@code =1+2}: spreadsheets show the text instead of computing it. */
    static String neutralise(String value) {
        if (value.isEmpty()) {
            return value;
        }
        char c = value.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + value : value;
    }
}
