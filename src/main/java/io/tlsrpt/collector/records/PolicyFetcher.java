package io.tlsrpt.collector.records;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.ssl.TLS;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fetches an MTA-STS policy the way RFC 8461 §3.3 says a sender does: HTTPS only, the certificate valid for the
 * policy host under the trust store, redirects not followed, no HTTP caching, a time-out and a size limit. Names
 * resolve through {@link Resolver}; private addresses are refused unless allowed. Only the one GET is ever sent.
 */
final class PolicyFetcher {
    static final int MAX_BODY = 64 * 1024;
    static final String PATH = "/.well-known/mta-sts.txt";

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mta-sts-fetch-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Resolver resolver;
    private final CheckSettings settings;
    private final X509TrustManager trust;

    PolicyFetcher(Resolver resolver, CheckSettings settings, X509TrustManager trust) {
        this.resolver = resolver;
        this.settings = settings;
        this.trust = trust;
    }

    /** The URL for a domain, with the port when it is not 443. */
    String url(String domain) {
        return "https://mta-sts." + domain + (settings.httpsPort() == 443 ? "" : ":" + settings.httpsPort()) + PATH;
    }

    PolicyFetch fetch(String domain) {
        java.util.concurrent.atomic.AtomicBoolean tooLong = new java.util.concurrent.atomic.AtomicBoolean();
        PolicyFetch f = fetch(domain, tooLong);
        if (tooLong.get() && f.error() != null && !f.ok()) {
            long limit = (settings.connectTimeout().toMillis() + 3 * settings.readTimeout().toMillis()) / 1000;
            return new PolicyFetch(f.url(), f.status(), f.contentType(), null, false,
                    "the fetch took too long (more than " + Math.max(1, limit) + " s; the server sent data too "
                            + "slowly) and was stopped", f.certificateNames(), f.certificateNotAfter());
        }
        return f;
    }

    private PolicyFetch fetch(String domain, java.util.concurrent.atomic.AtomicBoolean tooLong) {
        String host = "mta-sts." + domain;
        String url = url(domain);
        Capture capture = new Capture(trust);
        RefusingDns dns = new RefusingDns(resolver, settings.allowPrivateNetworks());
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new javax.net.ssl.TrustManager[]{capture}, null);
            TlsSocketStrategy tls = ClientTlsStrategyBuilder.create()
                    .setSslContext(ssl)
                    .setTlsVersions(TLS.V_1_3, TLS.V_1_2)
                    .setHostVerificationPolicy(HostnameVerificationPolicy.BOTH)
                    .setHostnameVerifier(new DefaultHostnameVerifier())
                    .buildClassic();
            Timeout connect = Timeout.of(settings.connectTimeout());
            Timeout read = Timeout.of(settings.readTimeout());
            PoolingHttpClientConnectionManager cm = PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(dns)
                    // A stranger's server must not make the client buffer endless header lines.
                    .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                            .http1Config(Http1Config.custom().setMaxLineLength(8192).setMaxHeaderCount(100)
                                    .setMaxEmptyLineCount(10).build())
                            .build())
                    .setTlsSocketStrategy(tls)
                    .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(read).build())
                    .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect)
                            .setSocketTimeout(read).build())
                    .setMaxConnTotal(1)
                    .build();
            RequestConfig rc = RequestConfig.custom()
                    .setRedirectsEnabled(false)
                    .setResponseTimeout(read)
                    .setConnectionRequestTimeout(connect)
                    .build();
            try (CloseableHttpClient client = HttpClients.custom()
                    .setConnectionManager(cm)
                    .setDefaultRequestConfig(rc)
                    .disableRedirectHandling()
                    .disableAutomaticRetries()
                    .disableCookieManagement()
                    .disableAuthCaching()
                    .disableContentCompression()
                    .disableConnectionState()
                    .setUserAgent("tlsrpt-collector (MTA-STS policy check)")
                    .build()) {
                HttpGet get = new HttpGet(url);
                // A slow server that trickles bytes resets each read time-out: bound the whole fetch too.
                long deadline = settings.connectTimeout().toMillis() + 3 * settings.readTimeout().toMillis();
                ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
                    tooLong.set(true);
                    get.cancel();
                }, deadline, TimeUnit.MILLISECONDS);
                try (CloseableHttpResponse response = client.execute(get)) {
                    return read(url, response, capture);
                } finally {
                    watchdog.cancel(false);
                }
            }
        } catch (RefusedAddressException e) {
            return failed(url, e.getMessage(), capture);
        } catch (UnknownHostException e) {
            return failed(url, host + " has no address (A/AAAA): " + e.getMessage(), capture);
        } catch (SSLException e) {
            return failed(url, tlsError(host, e, capture), capture);
        } catch (SocketTimeoutException e) {
            return failed(url, "no answer from " + host + " within the time-out", capture);
        } catch (ConnectException e) {
            return failed(url, "cannot connect to " + host + " port " + settings.httpsPort() + ": "
                    + DomainNames.shorten(String.valueOf(e.getMessage())), capture);
        } catch (IOException e) {
            return failed(url, "the fetch failed: " + Resolver.describe(e), capture);
        } catch (GeneralSecurityException | RuntimeException e) {
            return failed(url, "the fetch failed: " + Resolver.describe(e), capture);
        }
    }

    private PolicyFetch read(String url, CloseableHttpResponse response, Capture capture) throws IOException {
        int status = response.getCode();
        Header ct = response.getFirstHeader("Content-Type");
        String contentType = ct == null ? null : DomainNames.shorten(ct.getValue());
        if (status >= 300 && status < 400) {
            Header location = response.getFirstHeader("Location");
            return new PolicyFetch(url, status, contentType, null, false,
                    "the server answered " + status + " (a redirect" + (location == null ? ""
                            : " to " + DomainNames.shorten(location.getValue()))
                            + "); RFC 8461 §3.3 forbids following redirects, so senders get no policy",
                    capture.names(), capture.notAfter());
        }
        if (status != 200) {
            return new PolicyFetch(url, status, contentType, null, false,
                    "the server answered " + status + " " + DomainNames.shorten(String.valueOf(
                            response.getReasonPhrase())) + "; only 200 is a valid policy response",
                    capture.names(), capture.notAfter());
        }
        HttpEntity entity = response.getEntity();
        byte[] bytes = new byte[0];
        boolean truncated = false;
        if (entity != null) {
            try (InputStream in = entity.getContent()) {
                bytes = in.readNBytes(MAX_BODY + 1);
            }
            if (bytes.length > MAX_BODY) {
                truncated = true;
                bytes = java.util.Arrays.copyOf(bytes, MAX_BODY);
            }
        }
        String body = new String(bytes, StandardCharsets.UTF_8);
        String error = truncated ? "the policy is larger than 64 KiB (RFC 8461 §3.3 suggests senders stop there); "
                + "only the first 64 KiB were read" : null;
        return new PolicyFetch(url, status, contentType, body, truncated, error, capture.names(), capture.notAfter());
    }

    private static PolicyFetch failed(String url, String error, Capture capture) {
        return new PolicyFetch(url, null, null, null, false, error, capture.names(), capture.notAfter());
    }

    private String tlsError(String host, SSLException e, Capture capture) {
        List<X509Certificate> chain = capture.chain();
        if (chain.isEmpty()) {
            return "the TLS handshake with " + host + " failed: " + DomainNames.shorten(String.valueOf(e.getMessage()));
        }
        X509Certificate leaf = chain.get(0);
        List<String> problems = new ArrayList<>();
        if (!Certificates.matches(leaf, host)) {
            problems.add("it is not valid for " + host + " (its names: " + String.join(", ",
                    Certificates.names(leaf).stream().limit(10).toList()) + ")");
        }
        String untrusted = Certificates.untrustedReason(trust, chain);
        if (untrusted != null) {
            problems.add("it is not trusted: " + untrusted);
        }
        if (problems.isEmpty()) {
            return "the TLS handshake with " + host + " failed: " + DomainNames.shorten(String.valueOf(e.getMessage()));
        }
        return "the certificate of " + host + " is not valid for MTA-STS: " + String.join("; ", problems);
    }

    /** Passes every decision to the real trust manager, keeping the chain it was shown. */
    static final class Capture extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        private volatile List<X509Certificate> chain = List.of();

        Capture(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        List<X509Certificate> chain() {
            return chain;
        }

        List<String> names() {
            return chain.isEmpty() ? List.of() : Certificates.names(chain.get(0));
        }

        Instant notAfter() {
            return chain.isEmpty() ? null : chain.get(0).getNotAfter().toInstant();
        }

        private void keep(X509Certificate[] c) {
            chain = c == null ? List.of() : List.of(c);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType, Socket socket)
                throws CertificateException {
            keep(c);
            if (delegate instanceof X509ExtendedTrustManager x) {
                x.checkServerTrusted(c, authType, socket);
            } else {
                delegate.checkServerTrusted(c, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType, SSLEngine engine)
                throws CertificateException {
            keep(c);
            if (delegate instanceof X509ExtendedTrustManager x) {
                x.checkServerTrusted(c, authType, engine);
            } else {
                delegate.checkServerTrusted(c, authType);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType) throws CertificateException {
            keep(c);
            delegate.checkServerTrusted(c, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** Raised when every address of the host is one the settings refuse. */
    static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String message) {
            super(message);
        }
    }

    /** Resolves through {@link Resolver}, dropping refused addresses. */
    static final class RefusingDns implements DnsResolver {
        private final Resolver resolver;
        private final boolean allowPrivate;

        RefusingDns(Resolver resolver, boolean allowPrivate) {
            this.resolver = resolver;
            this.allowPrivate = allowPrivate;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            List<InetAddress> all = resolver.addresses(host);
            if (all.isEmpty()) {
                throw new UnknownHostException("no A or AAAA record for " + host);
            }
            List<InetAddress> allowed = allowed(all, allowPrivate);
            if (allowed.isEmpty()) {
                throw new RefusedAddressException(refusedMessage(host, all));
            }
            return allowed.toArray(new InetAddress[0]);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    static List<InetAddress> allowed(List<InetAddress> all, boolean allowPrivate) {
        if (allowPrivate) {
            return all;
        }
        return all.stream().filter(a -> NetworkAddresses.refusal(a) == null).toList();
    }

    static String refusedMessage(String host, List<InetAddress> all) {
        List<String> parts = new ArrayList<>();
        for (InetAddress a : all.stream().limit(5).toList()) {
            parts.add(a.getHostAddress() + " (" + NetworkAddresses.refusal(a) + ")");
        }
        return host + " resolves only to " + String.join(", ", parts) + "; the collector does not connect to such "
                + "addresses (tlsrpt.checks.allow-private-networks is false), and senders on the internet cannot "
                + "reach them either";
    }
}
