package io.tlsrpt.collector.dkim;

/**
 * The DKIM verdict on one signature or on a whole message (RFC 8601 result names, jDKIM's taxonomy of permanent
 * and temporary failures).
 */
public enum DkimStatus {
    /** A signature verified: header hash, body hash and key all check out. */
    PASS,
    /** A signature did not verify (body or signed headers changed, wrong or missing key, ...). */
    FAIL,
    /** The message carries no DKIM-Signature at all. */
    NONE,
    /** The key could not be fetched now (DNS time-out, SERVFAIL): retry later; never judge this as a failure. */
    TEMPERROR,
    /** The signature or the key record is broken or cannot be verified (syntax, expired, unsupported algorithm). */
    PERMERROR,
    /** Verification skipped on purpose, e.g. for imports of old mail whose keys are long rotated. */
    NOT_JUDGED
}
