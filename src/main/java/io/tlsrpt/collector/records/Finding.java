package io.tlsrpt.collector.records;

/**
 * One result of a check.
 *
 * @param check    stable id, e.g. {@code tlsrpt.rua} or {@code starttls.certificate-name}
 * @param severity how bad it is
 * @param subject  what it is about: a record name ({@code _smtp._tls.example.com}), a URL, an MX host
 * @param message  what was found, in plain English
 * @param fix      what to do about it (may be empty for INFO findings that need nothing)
 */
public record Finding(String check, Severity severity, String subject, String message, String fix) {
}
