package io.tlsrpt.collector.report;

import java.util.Locale;
import java.util.Optional;

/**
 * "result-type" of a failure detail, RFC 8460 §4.3: an open value. The IANA "STARTTLS Validation Result Types"
 * registry (§6.6) can grow by Expert Review, and test senders write their own values (the tls-rpt-monitor fixture
 * has "Testing"), so a value we do not know is data, kept verbatim, never an error and never mapped onto a known one.
 */
public record ResultType(String value) {

    /** The eleven values registered by RFC 8460 §4.3 (the IANA registry has not changed since 2018). */
    public enum Known {
        // §4.3.1 Negotiation failures
        STARTTLS_NOT_SUPPORTED("starttls-not-supported",
                "The receiving MX did not offer STARTTLS, so the session could not be encrypted.",
                "Enable STARTTLS on every MX host and check that no firewall or filter strips STARTTLS from the EHLO reply."),
        CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch",
                "The MX certificate does not name the MX host the sender connected to (no matching subject alternative name).",
                "Reissue the certificate with every MX host name in its subject alternative names, and keep the MX records and MTA-STS mx lines in step with it."),
        CERTIFICATE_EXPIRED("certificate-expired",
                "The certificate the MX presented has expired.",
                "Renew the certificate, automate renewal, and make sure the mail server reloads the new certificate."),
        CERTIFICATE_NOT_TRUSTED("certificate-not-trusted",
                "The MX certificate chain could not be validated: unknown or untrusted CA, self-signed, or a broken chain.",
                "Use a certificate from a publicly trusted CA and serve the full chain, intermediates included; see failure-reason-code."),
        VALIDATION_FAILURE("validation-failure",
                "A TLS or certificate failure that fits none of the other types; failure-reason-code should say which.",
                "Read the failure-reason-code, then test the MX with a TLS checker (e.g. openssl s_client -starttls smtp) to find the cause."),
        // §4.3.2.1 DANE-specific policy failures
        TLSA_INVALID("tlsa-invalid",
                "None of the TLSA records published for the MX matched or were usable (DANE validation failed).",
                "Publish TLSA records that match the key or certificate actually served (e.g. 3 1 1), and publish the new record before rolling keys."),
        DNSSEC_INVALID("dnssec-invalid",
                "The sender's resolver returned no validly signed (DNSSEC) records for the MX's TLSA lookup.",
                "Repair the zone's DNSSEC chain: unexpired signatures, a DS at the parent that matches your key, working re-signing."),
        DANE_REQUIRED("dane-required",
                "The sender requires DANE for your domain, but the MX host had no DNSSEC-validated TLSA records.",
                "Publish DNSSEC-signed TLSA records for every MX host, or ask the sender to remove its mandatory-DANE setting for your domain."),
        // §4.3.2.2 MTA-STS-specific policy failures
        STS_POLICY_FETCH_ERROR("sts-policy-fetch-error",
                "The sender could not retrieve the MTA-STS policy file (policy host unreachable, HTTP error or not found).",
                "Serve https://mta-sts.<domain>/.well-known/mta-sts.txt with status 200, or remove the _mta-sts TXT record if you no longer publish a policy."),
        STS_POLICY_INVALID("sts-policy-invalid",
                "The MTA-STS policy file was retrieved but is not a valid policy.",
                "Fix the policy file per RFC 8461 §3.2 (version, mode, mx, max_age lines; text/plain), then change the id in the _mta-sts TXT record."),
        STS_WEBPKI_INVALID("sts-webpki-invalid",
                "The HTTPS certificate of the MTA-STS policy host failed PKIX validation, so the policy could not be authenticated.",
                "Serve mta-sts.<domain> with a valid, publicly trusted certificate that names mta-sts.<domain>, with the full chain.");

        /** The registered value as written in reports. */
        public final String value;
        /** One line, plain words: what the failure means. */
        public final String meaning;
        /** One line for a domain owner: what usually fixes it. */
        public final String usualFix;

        Known(String value, String meaning, String usualFix) {
            this.value = value;
            this.meaning = meaning;
            this.usualFix = usualFix;
        }
    }

    public static ResultType of(String value) {
        return new ResultType(value);
    }

    /**
     * The registered type this value names. Matching ignores ASCII case, as {@link PolicyType#known()} does; the value
     * itself stays as sent.
     */
    public Optional<Known> known() {
        if (value == null) {
            return Optional.empty();
        }
        String lower = value.toLowerCase(Locale.ROOT);
        for (Known k : Known.values()) {
            if (k.value.equals(lower)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
