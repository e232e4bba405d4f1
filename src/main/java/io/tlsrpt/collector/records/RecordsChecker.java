package io.tlsrpt.collector.records;

import javax.net.ssl.X509TrustManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks what a domain publishes for TLS reporting, MTA-STS and DANE: looks everything up, parses it, probes the
 * MX hosts and turns it all into {@link Finding}s. Nothing a stranger controls (DNS answers, HTTP responses, SMTP
 * replies, certificates) makes it throw: failures become findings. Thread-safe.
 */
public final class RecordsChecker {
    /** MX hosts whose TLSA records are looked up and which are probed. */
    public static final int MAX_MX = 10;
    private static final int PROBE_THREADS = 4;
    private static final Duration EXPIRY_WARNING = Duration.ofDays(14);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Resolver resolver;
    private final CheckSettings settings;
    private final List<String> collectorAddresses;
    private final PolicyFetcher fetcher;
    private final StarttlsProber prober;
    private final Clock clock;

    /**
     * @param collectorAddresses the collector's own rua addresses ({@code tlsrpt.smtp.recipients}: exact addresses
     *                           or "@domain"); empty when it accepts any recipient
     * @throws IllegalArgumentException when the configured trust store cannot be loaded
     */
    public RecordsChecker(Resolver resolver, CheckSettings settings, List<String> collectorAddresses) {
        this(resolver, settings, collectorAddresses, Clock.systemUTC());
    }

    RecordsChecker(Resolver resolver, CheckSettings settings, List<String> collectorAddresses, Clock clock) {
        this.resolver = resolver;
        this.settings = settings == null ? CheckSettings.defaults() : settings;
        this.collectorAddresses = collectorAddresses == null ? List.of() : collectorAddresses.stream()
                .filter(a -> a != null && !a.isBlank()).map(a -> a.trim().toLowerCase(Locale.ROOT)).toList();
        X509TrustManager trust = Certificates.trustManager(this.settings.trustStore(),
                this.settings.trustStorePassword());
        this.fetcher = new PolicyFetcher(resolver, this.settings, trust);
        this.prober = new StarttlsProber(resolver, this.settings, trust);
        this.clock = clock;
    }

    public CheckSettings settings() {
        return settings;
    }

    /** Checks one domain. Refuses anything but a valid host name (a finding, no look-ups). Never throws. */
    public RecordsSnapshot check(String domain) {
        Instant now = clock.instant();
        String input = domain == null ? "" : domain.trim();
        String problem = DomainNames.problem(input);
        if (problem != null) {
            return new RecordsSnapshot(DomainNames.shorten(input), now, null, null, null, null, null, List.of(),
                    List.of(), null, null, null, List.of(new Finding("domain.invalid", Severity.ERROR,
                    DomainNames.shorten(input), "Not checked: " + problem + ".",
                    "Enter a domain name such as example.com (an internationalised name in its A-label form, "
                            + "xn--...).")));
        }
        Run run = new Run(DomainNames.strip(input), now);
        try {
            run.all();
        } catch (RuntimeException e) {
            run.add("check.failed", Severity.ERROR, run.domain, "The check stopped early: "
                    + Resolver.describe(e) + ". What was found until then is shown.", "Check again later.");
        }
        return run.snapshot();
    }

    /** One check of one domain. */
    private final class Run {
        final String domain;
        final Instant now;
        final List<Finding> findings = new ArrayList<>();
        DnsAnswer tlsrptTxt;
        DnsAnswer legacyTxt;
        DnsAnswer mtaStsTxt;
        DnsAnswer mx;
        PolicyFetch policy;
        TlsrptRecord tlsrpt;
        MtaStsRecord mtaSts;
        MtaStsPolicy mtaStsPolicy;
        final List<TlsaCheck> tlsa = new ArrayList<>();
        final List<StarttlsProbe> probes = new ArrayList<>();

        Run(String domain, Instant now) {
            this.domain = domain;
            this.now = now;
        }

        RecordsSnapshot snapshot() {
            return new RecordsSnapshot(domain, now, tlsrptTxt, legacyTxt, mtaStsTxt, policy, mx, tlsa, probes,
                    tlsrpt, mtaSts, mtaStsPolicy, findings);
        }

        void add(String check, Severity severity, String subject, String message, String fix) {
            findings.add(new Finding(check, severity, subject, message, fix == null ? "" : fix));
        }

        void all() {
            tlsrptTxt = resolver.txt("_smtp._tls." + domain);
            legacyTxt = resolver.txt("_smtp-tlsrpt." + domain);
            mtaStsTxt = resolver.txt("_mta-sts." + domain);
            mx = resolver.mx(domain);
            checkTlsrpt();
            boolean stsPublished = checkMtaStsRecord();
            if (stsPublished) {
                policy = fetcher.fetch(domain);
                checkPolicy();
            }
            List<String> hosts = checkMx();
            checkCoverage(hosts);
            checkHosts(hosts.subList(0, Math.min(hosts.size(), MAX_MX)));
        }

        // ------------------------------------------------------------------ DNS failures

        /** A finding when the look-up got no answer; true when it did. */
        boolean answered(DnsAnswer a, String what) {
            if (a.answered()) {
                return true;
            }
            boolean servfail = "SERVFAIL".equals(a.status());
            add("dns.lookup", servfail ? Severity.ERROR : Severity.WARNING, a.name(),
                    "The " + a.type() + " look-up of " + a.name() + " (" + what + ") failed: " + a.status()
                            + (a.error() == null ? "" : " (" + a.error() + ")")
                            + (servfail ? ". Senders' resolvers probably fail the same way (often a DNSSEC "
                            + "problem of the zone)." : ". The result of this check is unknown."),
                    servfail ? "Check the zone's name servers and DNSSEC signatures (e.g. with dnsviz.net)."
                            : "Check again later; if it persists, check tlsrpt.dns.servers.");
            return false;
        }

        // ------------------------------------------------------------------ TLSRPT

        void checkTlsrpt() {
            String name = "_smtp._tls." + domain;
            String legacyName = "_smtp-tlsrpt." + domain;
            boolean answered = answered(tlsrptTxt, "the TLSRPT record");
            List<String> legacy = legacyTxt.answered() ? legacyTxt.records().stream()
                    .filter(r -> TlsrptRecord.isTlsrpt(r) || TlsrptRecord.isVersionTypo(r)).toList() : List.of();
            if (!answered) {
                return;
            }
            List<String> valid = tlsrptTxt.records().stream().filter(TlsrptRecord::isTlsrpt).toList();
            List<String> typos = tlsrptTxt.records().stream().filter(TlsrptRecord::isVersionTypo).toList();
            String chosen = null;
            if (valid.size() == 1) {
                chosen = valid.get(0);
            } else if (valid.size() > 1) {
                add("tlsrpt.count", Severity.ERROR, name, valid.size() + " TXT records at " + name
                                + " begin with v=TLSRPTv1. With more than one, senders must treat the domain as "
                                + "having no TLSRPT record at all (RFC 8460 §3), so no reports are sent.",
                        "Keep one record; put every rua URI into it as one comma-separated list.");
                chosen = valid.get(0);
            } else if (!typos.isEmpty()) {
                chosen = typos.get(0);
            } else if (legacy.isEmpty()) {
                add("tlsrpt.count", Severity.ERROR, name, "There is no TLSRPT record at " + name
                                + (tlsrptTxt.records().isEmpty() ? "" : " (only other TXT records)")
                                + ": senders send no TLS reports for " + domain + ".",
                        "Publish " + name + " TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\" "
                                + "(with this collector's address).");
            }
            if (!legacy.isEmpty()) {
                if (valid.isEmpty() && typos.isEmpty()) {
                    add("tlsrpt.legacy-name", Severity.ERROR, legacyName, "The TLSRPT record is published at "
                                    + legacyName + ", the name of the early drafts; senders look only at " + name
                                    + ", so no reports are sent.",
                            "Publish the same record at " + name + " and delete the old one.");
                } else {
                    add("tlsrpt.legacy-name", Severity.WARNING, legacyName, "A TLSRPT record is still published at "
                                    + legacyName + ", the name of the early drafts. Senders ignore it.",
                            "Delete " + legacyName + " so that nobody edits the wrong record.");
                }
            }
            if (chosen == null) {
                return;
            }
            TlsrptRecord.Analysis analysis = TlsrptRecord.analyse(chosen);
            tlsrpt = analysis.record();
            for (Issue i : analysis.issues()) {
                String check = switch (i.key()) {
                    case "version-typo" -> "tlsrpt.version-typo";
                    case "rua" -> "tlsrpt.rua";
                    default -> "tlsrpt.syntax";
                };
                add(check, i.error() ? Severity.ERROR : Severity.WARNING, name, sentence(i.message()), i.fix());
            }
            checkCollectorAddress(name);
        }

        void checkCollectorAddress(String name) {
            List<String> addresses = tlsrpt.mailtoAddresses();
            if (addresses.isEmpty()) {
                if (!tlsrpt.rua().isEmpty()) {
                    add("tlsrpt.collector-address", Severity.INFO, name, "The rua has no mailto: address, so "
                                    + "reports go to https: endpoints, not to this collector's SMTP receiver.",
                            "Add mailto:<this collector's address> to the rua list to receive them here.");
                }
                return;
            }
            if (collectorAddresses.isEmpty()) {
                add("tlsrpt.collector-address", Severity.INFO, name, "This collector accepts mail for any "
                                + "recipient (tlsrpt.smtp.recipients is empty), so it cannot tell whether "
                                + String.join(", ", addresses) + " reaches it.",
                        "Set tlsrpt.smtp.recipients to the collector's rua address.");
                return;
            }
            List<String> ours = addresses.stream().filter(this::ours).toList();
            if (!ours.isEmpty()) {
                add("tlsrpt.collector-address", Severity.INFO, name, "Reports to " + String.join(", ", ours)
                        + " come to this collector.", "");
            } else {
                add("tlsrpt.collector-address", Severity.WARNING, name, "None of the rua addresses ("
                                + String.join(", ", addresses) + ") is one this collector accepts ("
                                + String.join(", ", collectorAddresses) + "): reports for " + domain
                                + " go elsewhere.",
                        "Add mailto:" + collectorAddresses.stream().filter(a -> !a.startsWith("@")).findFirst()
                                .orElse("<collector address>") + " to the rua list, or add the address to "
                                + "tlsrpt.smtp.recipients if mail to it is routed here.");
            }
        }

        boolean ours(String address) {
            int at = address.lastIndexOf('@');
            String dom = at >= 0 ? address.substring(at) : "";
            for (String c : collectorAddresses) {
                if (c.equals(address) || (c.startsWith("@") && c.equals(dom))) {
                    return true;
                }
            }
            return false;
        }

        // ------------------------------------------------------------------ MTA-STS record

        /** Checks _mta-sts; true when a record worth fetching the policy for is there. */
        boolean checkMtaStsRecord() {
            String name = "_mta-sts." + domain;
            if (!answered(mtaStsTxt, "the MTA-STS record")) {
                return false;
            }
            List<String> valid = mtaStsTxt.records().stream().filter(MtaStsRecord::isMtaSts).toList();
            List<String> typos = mtaStsTxt.records().stream().filter(MtaStsRecord::isVersionTypo).toList();
            String chosen;
            if (valid.size() == 1) {
                chosen = valid.get(0);
            } else if (valid.size() > 1) {
                add("mta-sts.record", Severity.ERROR, name, valid.size() + " TXT records at " + name
                                + " begin with v=STSv1. With more than one, senders assume there is no MTA-STS "
                                + "policy (RFC 8461 §3.1).",
                        "Keep one record.");
                chosen = valid.get(0);
            } else if (!typos.isEmpty()) {
                chosen = typos.get(0);
            } else if (!mtaStsTxt.records().isEmpty()) {
                add("mta-sts.record", Severity.ERROR, name, "There are TXT records at " + name
                                + " but none begins with v=STSv1, so senders see no MTA-STS policy.",
                        "Publish " + name + " TXT \"v=STSv1; id=<date and time of the policy>\".");
                return false;
            } else {
                add("mta-sts.record", Severity.INFO, name, "No MTA-STS record: senders use TLS with " + domain
                                + " only opportunistically (an attacker on the path can strip it), unless DANE "
                                + "TLSA records protect the MX hosts.",
                        "To require TLS: publish a policy at https://mta-sts." + domain
                                + "/.well-known/mta-sts.txt and " + name + " TXT \"v=STSv1; id=...\".");
                return false;
            }
            MtaStsRecord.Analysis analysis = MtaStsRecord.analyse(chosen);
            mtaSts = analysis.record();
            for (Issue i : analysis.issues()) {
                add("id".equals(i.key()) ? "mta-sts.id" : "mta-sts.record",
                        i.error() ? Severity.ERROR : Severity.WARNING, name, sentence(i.message()), i.fix());
            }
            return true;
        }

        // ------------------------------------------------------------------ policy

        void checkPolicy() {
            String subject = policy.url();
            if (policy.error() != null) {
                String fix;
                if (policy.status() == null && !policy.certificateNames().isEmpty()) {
                    fix = "Serve a certificate for mta-sts." + domain + " from a public CA, with its intermediate "
                            + "certificates, and renew it before it expires.";
                } else if (policy.status() != null && policy.status() >= 300 && policy.status() < 400) {
                    fix = "Serve the file itself at " + subject + " with status 200, no redirect.";
                } else if (policy.truncated()) {
                    fix = "Publish only the policy lines; a policy is a few hundred bytes.";
                } else if (policy.status() != null) {
                    fix = "Publish the policy at " + subject + " (status 200, text/plain).";
                } else {
                    fix = "Make https://mta-sts." + domain + " reachable from the internet on port 443.";
                }
                add("policy.fetch", Severity.ERROR, subject, "The MTA-STS policy could not be fetched: "
                        + sentence(policy.error()) + " Senders treat the domain as having no usable MTA-STS policy "
                        + "(and report sts-policy-fetch-error or sts-webpki-invalid).", fix);
            }
            if (policy.certificateNotAfter() != null && policy.error() == null) {
                Duration left = Duration.between(now, policy.certificateNotAfter());
                if (left.compareTo(EXPIRY_WARNING) < 0) {
                    add("policy.certificate-expiry", Severity.WARNING, subject, "The certificate of mta-sts."
                                    + domain + " expires on " + DAY.format(policy.certificateNotAfter()) + ".",
                            "Renew it; automate the renewal.");
                }
            }
            if (!policy.ok()) {
                return;
            }
            checkContentType(subject);
            MtaStsPolicy.Analysis analysis = MtaStsPolicy.analyse(policy.body());
            mtaStsPolicy = analysis.policy();
            for (Issue i : analysis.issues()) {
                String check = switch (i.key()) {
                    case "version" -> "policy.version";
                    case "mode" -> "policy.mode";
                    case "max_age" -> "policy.max-age";
                    case "mx" -> "policy.mx";
                    case "line-endings" -> "policy.line-endings";
                    default -> "policy.syntax";
                };
                add(check, i.error() ? Severity.ERROR : Severity.WARNING, subject, sentence(i.message()), i.fix());
            }
            if ("testing".equals(mtaStsPolicy.mode())) {
                add("policy.mode", Severity.INFO, subject, "The policy is in testing mode: senders report TLS "
                                + "failures but deliver anyway, so an attacker can still strip TLS.",
                        "Once the reports show no failures, change the policy to mode: enforce and change the id "
                                + "in _mta-sts." + domain + ".");
            } else if ("none".equals(mtaStsPolicy.mode())) {
                add("policy.mode", Severity.INFO, subject, "The policy is in mode none: MTA-STS is switched off "
                        + "(RFC 8461 §8.3, the way to withdraw a policy).", "Use testing, then enforce, to turn "
                        + "it back on.");
            }
        }

        void checkContentType(String subject) {
            String ct = policy.contentType();
            if (ct == null || ct.isBlank()) {
                add("policy.content-type", Severity.ERROR, subject, "The policy is served without a Content-Type; "
                                + "RFC 8461 §3.3 has senders check for text/plain, and some reject anything else.",
                        "Serve mta-sts.txt as text/plain.");
                return;
            }
            String[] parts = ct.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!type.equals("text/plain")) {
                add("policy.content-type", Severity.ERROR, subject, "The policy is served as " + type
                                + ", not text/plain; senders that check the media type (RFC 8461 §3.3) reject it.",
                        "Serve mta-sts.txt as text/plain (e.g. nginx: default_type text/plain; in that location).");
                return;
            }
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("charset=")) {
                    String cs = p.substring(8).replace("\"", "").trim();
                    if (!cs.equals("utf-8") && !cs.equals("us-ascii")) {
                        add("policy.content-type", Severity.WARNING, subject, "The policy is served with charset "
                                        + cs + "; only utf-8 and us-ascii are meaningful (RFC 8461 §3.3).",
                                "Serve it as text/plain; charset=utf-8 or without a charset.");
                    }
                }
            }
        }

        // ------------------------------------------------------------------ MX and coverage

        /** The valid MX host names in preference order. */
        List<String> checkMx() {
            if (!answered(mx, "the MX records")) {
                return List.of();
            }
            if (mx.nullMx()) {
                add("mx.records", Severity.INFO, domain, domain + " publishes a null MX (RFC 7505): it accepts no "
                        + "mail, so there is nothing to protect or report on.", "");
                return List.of();
            }
            if (mx.records().isEmpty()) {
                add("mx.records", Severity.WARNING, domain, domain + " has no MX records: senders deliver to the "
                                + "address of " + domain + " itself, and MTA-STS and DANE have no MX host to apply to.",
                        "Publish MX records for " + domain + ".");
                return List.of();
            }
            List<String> hosts = new ArrayList<>();
            for (String h : mx.mxHosts()) {
                String p = DomainNames.problem(h);
                if (p != null) {
                    add("mx.records", Severity.ERROR, DomainNames.shorten(h), "The MX target "
                            + Issue.TagList.quote(h) + " is not a valid host name: " + p + ".", "Fix the MX record.");
                } else {
                    hosts.add(DomainNames.strip(h));
                }
            }
            if (hosts.size() > MAX_MX) {
                add("mx.records", Severity.INFO, domain, domain + " has " + hosts.size() + " MX hosts; only the first "
                        + MAX_MX + " are probed and checked for TLSA records.", "");
            }
            return hosts;
        }

        void checkCoverage(List<String> hosts) {
            if (mtaStsPolicy == null || !mtaStsPolicy.validMode() || "none".equals(mtaStsPolicy.mode())) {
                return;
            }
            boolean enforce = "enforce".equals(mtaStsPolicy.mode());
            List<String> patterns = mtaStsPolicy.mx();
            if (patterns.isEmpty()) {
                return;
            }
            for (String host : hosts) {
                if (patterns.stream().noneMatch(p -> MtaStsPolicy.mxMatches(p, host))) {
                    add("coverage.mx-not-in-policy", enforce ? Severity.ERROR : Severity.WARNING, host,
                            "The MX host " + host + " matches no mx line of the MTA-STS policy ("
                                    + String.join(", ", patterns) + "). "
                                    + (enforce ? "Senders that enforce the policy will not deliver to it."
                                    : "Senders report every delivery to it as a failure."),
                            "Add \"mx: " + host + "\" to the policy (a *. pattern matches one label only) and change "
                                    + "the id in _mta-sts." + domain + ".");
                }
            }
            if (hosts.isEmpty()) {
                return;
            }
            for (String pattern : patterns) {
                if (pattern.startsWith("*") || MtaStsPolicy.mxPatternProblem(pattern) != null) {
                    continue;
                }
                if (hosts.stream().noneMatch(h -> MtaStsPolicy.mxMatches(pattern, h))) {
                    add("coverage.policy-mx-missing", Severity.WARNING, DomainNames.strip(pattern),
                            "The policy lists mx " + pattern + ", which is not an MX host of " + domain + " ("
                                    + String.join(", ", hosts) + ").",
                            "Remove the stale line (and change the id), or publish the MX record if the host "
                                    + "should receive mail.");
                }
            }
        }

        // ------------------------------------------------------------------ per MX: TLSA and the probe

        void checkHosts(List<String> hosts) {
            if (hosts.isEmpty()) {
                return;
            }
            Map<String, DnsAnswer> tlsaAnswers = new LinkedHashMap<>();
            Map<String, StarttlsProbe> probeResults = new LinkedHashMap<>();
            int threads = Math.min(PROBE_THREADS, hosts.size());
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "records-check-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                Map<String, Future<DnsAnswer>> tlsaFutures = new LinkedHashMap<>();
                Map<String, Future<StarttlsProbe>> probeFutures = new LinkedHashMap<>();
                for (String h : hosts) {
                    tlsaFutures.put(h, pool.submit(() -> resolver.tlsa("_25._tcp." + h)));
                    if (settings.starttls()) {
                        probeFutures.put(h, pool.submit(() -> prober.probe(h)));
                    }
                }
                long perTask = resolver.maxWait().toMillis() * 3 + settings.connectTimeout().toMillis() * 2
                        + settings.readTimeout().toMillis() * 8 + 2000;
                long rounds = (hosts.size() * (settings.starttls() ? 2L : 1L) + threads - 1) / threads;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(perTask * rounds);
                for (String h : hosts) {
                    DnsAnswer a = await(tlsaFutures.get(h), deadline);
                    tlsaAnswers.put(h, a != null ? a : new DnsAnswer("_25._tcp." + h, "TLSA", "TIMEOUT", false,
                            List.of(), "the look-up did not finish in time"));
                    if (settings.starttls()) {
                        StarttlsProbe p = await(probeFutures.get(h), deadline);
                        probeResults.put(h, p != null ? p : new StarttlsProbe(h, null, false, null, false, false,
                                null, List.of(), null, false, false, false, List.of(),
                                "the probe did not finish in time"));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            if (!settings.starttls()) {
                add("starttls.disabled", Severity.INFO, domain, "The STARTTLS probe is off "
                        + "(tlsrpt.checks.starttls is false): certificates and TLSA matches are not checked.", "");
            }
            int withTlsa = 0;
            for (String h : hosts) {
                if (!tlsaAnswers.get(h).records().isEmpty()) {
                    withTlsa++;
                }
            }
            for (String h : hosts) {
                StarttlsProbe probe = probeResults.get(h);
                DnsAnswer answer = tlsaAnswers.get(h);
                TlsaCheck check = tlsaCheck(h, answer, probe);
                tlsa.add(check);
                if (probe != null) {
                    probes.add(probe);
                    checkProbe(probe, check);
                }
                checkTlsa(h, check, withTlsa, hosts.size());
            }
            if (withTlsa == 0 && tlsaAnswers.values().stream().allMatch(DnsAnswer::answered)) {
                add("tlsa.present", Severity.INFO, domain, "No MX host of " + domain + " has TLSA records: DANE is "
                                + "not used.",
                        "Optional: with a DNSSEC-signed zone, publish _25._tcp.<mx> TLSA 3 1 1 records (RFC 7672).");
            }
        }

        <T> T await(Future<T> f, long deadlineNanos) {
            try {
                long left = Math.max(1, deadlineNanos - System.nanoTime());
                return f.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (java.util.concurrent.ExecutionException e) {
                return null;
            }
        }

        TlsaCheck tlsaCheck(String h, DnsAnswer answer, StarttlsProbe probe) {
            if (answer.records().isEmpty() || probe == null || probe.certificateHashes().isEmpty()) {
                return new TlsaCheck(h, answer, null, List.of());
            }
            List<String> matched = new ArrayList<>();
            boolean usable = false;
            for (String r : answer.records()) {
                String norm = normalizeTlsa(r);
                if (norm == null || !usableTlsa(norm)) {
                    continue;
                }
                usable = true;
                if (probe.certificateHashes().contains(norm)) {
                    matched.add(r);
                }
            }
            return new TlsaCheck(h, answer, usable ? !matched.isEmpty() : null, matched);
        }

        void checkTlsa(String h, TlsaCheck check, int withTlsa, int hostCount) {
            DnsAnswer answer = check.answer();
            String name = "_25._tcp." + h;
            if (!answered(answer, "the TLSA records of " + h)) {
                return;
            }
            if (answer.records().isEmpty()) {
                if (withTlsa > 0) {
                    add("tlsa.present", Severity.WARNING, h, h + " has no TLSA records, while " + withTlsa + " of the "
                                    + hostCount + " MX hosts checked have some: DANE senders deliver to " + h
                                    + " without authenticating it.",
                            "Publish " + name + " TLSA records as for the other MX hosts.");
                }
                return;
            }
            add("tlsa.present", Severity.INFO, h, h + " has " + answer.records().size() + " TLSA record"
                    + (answer.records().size() == 1 ? "" : "s") + " at " + name + ".", "");
            boolean secure = answer.authenticated();
            if (!secure) {
                add("tlsa.dnssec", Severity.WARNING, h, "The TLSA records of " + h + " are not DNSSEC-validated (the "
                                + "resolver's answer has no AD bit). DANE senders use TLSA records only from a signed "
                                + "zone, so these are ignored.",
                        "Sign the zone of " + name + " with DNSSEC. (If it is signed, the resolvers in "
                                + "tlsrpt.dns.servers do not validate: use a validating resolver to see it here.)");
            } else if (mx != null && !mx.authenticated()) {
                add("tlsa.dnssec", Severity.WARNING, h, "The TLSA records of " + h + " are DNSSEC-validated but the MX "
                                + "records of " + domain + " are not; DANE needs a validated MX look-up too "
                                + "(RFC 7672 §2.2.1), so senders do not use the TLSA records.",
                        "Sign the zone of " + domain + " with DNSSEC.");
            }
            List<String> unusable = new ArrayList<>();
            for (String r : answer.records()) {
                String norm = normalizeTlsa(r);
                if (norm == null || !usableTlsa(norm)) {
                    unusable.add(r);
                }
            }
            if (!unusable.isEmpty()) {
                add("tlsa.match", Severity.WARNING, h, unusable.size() + " TLSA record(s) of " + h + " cannot be used "
                                + "or compared here: " + String.join(", ", unusable.stream().limit(5)
                                .map(RecordsChecker::shortTlsa).toList()) + ". For SMTP only usages 2 (DANE-TA) and 3 "
                                + "(DANE-EE) count (RFC 7672 §3.1.3), with SHA-256 or SHA-512 (matching type 1 or 2).",
                        "Publish 3 1 1 (or 2 1 1) records.");
            }
            if (check.matches() == null) {
                return;
            }
            boolean dnssecOk = secure && (mx == null || mx.authenticated());
            if (check.matches()) {
                add("tlsa.match", Severity.INFO, h, "The certificate " + h + " presents matches its TLSA record "
                        + shortTlsa(check.matchedRecords().get(0)) + ".", "");
            } else {
                add("tlsa.match", dnssecOk ? Severity.ERROR : Severity.WARNING, h, "The certificate " + h
                                + " presents matches none of its TLSA records. "
                                + (dnssecOk ? "DANE senders will not deliver to " + h + " (they report tlsa-invalid)."
                                : "Once the zone is signed, DANE senders would refuse to deliver to " + h + "."),
                        "Publish a TLSA record for the current certificate (3 1 1 <SHA-256 of its public key>) before "
                                + "changing certificates, and remove the old one after.");
            }
        }

        void checkProbe(StarttlsProbe p, TlsaCheck tlsaCheck) {
            String h = p.mx();
            if (!p.connected()) {
                add("starttls.connect", Severity.WARNING, h, "The STARTTLS probe of " + h + " could not connect: "
                                + sentence(p.error()),
                        "If senders reach " + h + " (the reports say so), the collector's network is the problem "
                                + "(many hosting providers block outgoing port 25).");
                return;
            }
            if (!p.starttlsOffered()) {
                if (p.error() != null) {
                    add("starttls.connect", Severity.WARNING, h, "The STARTTLS probe of " + h + " did not get to "
                            + "STARTTLS: " + sentence(p.error()), "Check the server's greeting and EHLO reply.");
                    return;
                }
                add("starttls.offered", Severity.ERROR, h, h + " does not offer STARTTLS: mail to it travels "
                                + "unencrypted, and senders that enforce MTA-STS or DANE do not deliver to it "
                                + "(they report starttls-not-supported).",
                        "Enable STARTTLS on " + h + " with a certificate for " + h + ".");
                return;
            }
            if (!p.tlsEstablished()) {
                add("starttls.handshake", Severity.ERROR, h, "STARTTLS with " + h + " failed: " + sentence(p.error()),
                        "Check the server's TLS setup: TLS 1.2 or 1.3, a certificate and key that belong together.");
            }
            if (p.notAfter() == null) {
                return;
            }
            String mode = mtaStsPolicy != null && mtaStsPolicy.validMode() ? mtaStsPolicy.mode() : null;
            boolean daneEe = tlsaCheck != null && Boolean.TRUE.equals(tlsaCheck.matches())
                    && tlsaCheck.matchedRecords().stream().anyMatch(r -> r.startsWith("3 "));
            Severity certSeverity = "enforce".equals(mode) ? Severity.ERROR
                    : "testing".equals(mode) ? Severity.WARNING
                    : daneEe ? Severity.INFO : Severity.WARNING;
            String consequence = "enforce".equals(mode) ? " Senders that enforce the MTA-STS policy do not deliver to "
                    + h + "." : "testing".equals(mode) ? " Senders report it (MTA-STS testing) but deliver."
                    : daneEe ? " DANE senders accept it (the TLSA 3 x x record matches), MTA-STS senders would not."
                    : " Senders using opportunistic TLS deliver anyway; MTA-STS senders would not.";
            String names = String.join(", ", p.certificateNames().stream().limit(10).toList());
            boolean expired = !p.notAfter().isAfter(now);
            if (!p.trusted() && !expired) {
                add("starttls.certificate-trusted", certSeverity, h, "The certificate of " + h + " does not chain to "
                                + "a trusted CA (self-signed, a private CA, or the intermediate certificate is missing "
                                + "from what the server sends)." + consequence,
                        "Use a certificate from a public CA and configure the server to send the intermediate "
                                + "certificates too.");
            }
            if (!p.nameMatches()) {
                add("starttls.certificate-name", certSeverity, h, "The certificate of " + h + " is not issued for " + h
                                + " (its names: " + (names.isEmpty() ? "none" : names) + "). Senders that check "
                                + "report certificate-host-mismatch." + consequence,
                        "Get a certificate whose subjectAltName includes " + h + " (or *." + parent(h) + ").");
            }
            if (expired) {
                add("starttls.certificate-expiry", certSeverity, h, "The certificate of " + h + " expired on "
                                + DAY.format(p.notAfter()) + ". Senders that check report certificate-expired."
                                + consequence,
                        "Renew the certificate and automate the renewal.");
            } else if (Duration.between(now, p.notAfter()).compareTo(EXPIRY_WARNING) < 0) {
                add("starttls.certificate-expiry", Severity.WARNING, h, "The certificate of " + h + " expires on "
                        + DAY.format(p.notAfter()) + ".", "Renew it now and automate the renewal.");
            } else {
                add("starttls.certificate-expiry", Severity.INFO, h, "The certificate of " + h + " is valid until "
                        + DAY.format(p.notAfter()) + ".", "");
            }
            if (p.wildcardCertificate()) {
                add("starttls.wildcard", Severity.INFO, h, "The certificate of " + h + " is a wildcard certificate ("
                                + names + "). MTA-STS and DANE accept it; its key is shared by every host that uses it.",
                        "");
            }
        }
    }

    /** "3 1 1 HEX" with the hex upper case and no spaces, or null when it is not four fields of that form. */
    static String normalizeTlsa(String record) {
        String[] parts = record.trim().split("\\s+", 4);
        if (parts.length < 4) {
            return null;
        }
        try {
            int u = Integer.parseInt(parts[0]);
            int s = Integer.parseInt(parts[1]);
            int m = Integer.parseInt(parts[2]);
            String hex = parts[3].replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
            if (!hex.matches("[0-9A-F]*")) {
                return null;
            }
            return u + " " + s + " " + m + " " + hex;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Usage 2 or 3, selector 0 or 1, matching type 1 or 2 (what the probe's hashes cover). */
    static boolean usableTlsa(String normalized) {
        String[] p = normalized.split(" ");
        return (p[0].equals("2") || p[0].equals("3")) && (p[1].equals("0") || p[1].equals("1"))
                && (p[2].equals("1") || p[2].equals("2"));
    }

    static String shortTlsa(String record) {
        return record.length() > 30 ? record.substring(0, 30) + "..." : record;
    }

    private static String parent(String host) {
        int dot = host.indexOf('.');
        return dot < 0 ? host : host.substring(dot + 1);
    }

    /** A message fragment as a sentence: first letter upper case, a full stop at the end. */
    static String sentence(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        String t = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return t.endsWith(".") ? t : t + ".";
    }
}
