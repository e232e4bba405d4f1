package io.tlsrpt.collector.mail;

/** A part's body cannot be decoded; the message is the problem reason. Never leaves the package. */
final class UnreadablePartException extends Exception {

    private static final long serialVersionUID = 1L;

    UnreadablePartException(String reason) {
        super(reason, null, false, false);
    }
}
