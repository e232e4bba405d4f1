package io.tlsrpt.collector.dkim;

import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * jDKIM's key source over a {@link KeyLookup}: NOT_FOUND becomes a {@link PermFailException} (no key), a
 * TEMPORARY_FAILURE (or an exception from the lookup) a {@link TempFailException}. One instance serves one message:
 * the same key name is asked once.
 */
final class KeyRetriever implements PublicKeyRecordRetriever {
    /** Key records longer than this are ignored (an RSA-16384 key record is under 3,000 characters). */
    static final int MAX_RECORD_LENGTH = 16 * 1024;
    /** At most this many TXT records of one name are looked at. */
    static final int MAX_RECORDS = 10;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private final KeyLookup lookup;
    private final Map<String, Object> answers = new HashMap<>();

    KeyRetriever(KeyLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public List<String> getRecords(CharSequence methodAndOptions, CharSequence selector, CharSequence token)
            throws TempFailException, PermFailException {
        String method = methodAndOptions == null ? "" : methodAndOptions.toString().trim();
        if (!method.equalsIgnoreCase("dns/txt") && !method.equalsIgnoreCase("dns")) {
            throw new PermFailException("unsupported key query method q=" + Text.name(method));
        }
        String name = keyName(selector, token);
        Object cached = answers.get(name);
        if (cached == null) {
            cached = fetch(name);
            answers.put(name, cached);
        }
        if (cached instanceof TempFailException t) {
            throw new TempFailException(t.getMessage());
        }
        if (cached instanceof PermFailException p) {
            throw new PermFailException(p.getMessage());
        }
        @SuppressWarnings("unchecked")
        List<String> records = (List<String>) cached;
        return records;
    }

    private Object fetch(String name) {
        KeyLookup.KeyAnswer answer;
        try {
            answer = lookup.txt(name);
        } catch (RuntimeException e) {
            return new TempFailException("key lookup for " + name + " failed: " + e);
        }
        if (answer == null || answer.status() == null) {
            return new TempFailException("key lookup for " + name + " gave no answer");
        }
        String error = answer.error() == null || answer.error().isBlank() ? "" : " (" + answer.error() + ")";
        switch (answer.status()) {
            case TEMPORARY_FAILURE:
                return new TempFailException("key lookup for " + name + " failed temporarily" + error);
            case NOT_FOUND:
                return new PermFailException("no key record at " + name + error);
            default:
                List<String> records = new ArrayList<>();
                for (String r : answer.records()) {
                    if (r != null && r.length() <= MAX_RECORD_LENGTH && records.size() < MAX_RECORDS) {
                        records.add(r);
                    }
                }
                if (records.isEmpty()) {
                    return new PermFailException("no usable key record at " + name);
                }
                return List.copyOf(records);
        }
    }

    /** {@code selector._domainkey.domain}, or a PermFailException when that is not a valid DNS name. */
    static String keyName(CharSequence selector, CharSequence domain) throws PermFailException {
        String s = selector == null ? "" : selector.toString().trim();
        String d = domain == null ? "" : domain.toString().trim();
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (!d.chars().allMatch(c -> c < 128)) {
            try {
                d = java.net.IDN.toASCII(d); // RFC 8616: d= may carry U-labels
            } catch (IllegalArgumentException e) {
                throw new PermFailException("invalid key name " + Text.name(s + "._domainkey." + d));
            }
        }
        String name = s + "._domainkey." + d;
        if (s.isEmpty() || d.isEmpty() || name.length() > 253) {
            throw new PermFailException("invalid key name " + Text.name(name));
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                throw new PermFailException("invalid key name " + Text.name(name));
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }
}
