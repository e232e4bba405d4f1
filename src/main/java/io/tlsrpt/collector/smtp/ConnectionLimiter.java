package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.TrustedNetworks;
import io.tlsrpt.collector.ingest.IpAddresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Connections at once, in total and per client (IPv4 address or IPv6 /64), decided before the greeting: a refused
 * client gets {@code 421 4.7.0} and the connection is closed. Clients in the trusted networks are never refused by the
 * per-client limit, nor by the total: they may go past it by {@link #TRUSTED_RESERVE}, so that strangers filling the
 * server never lock out the relay in front of it. Past that reserve SubEthaSMTP itself answers
 * {@code 421 Too many connections, try again later}.
 */
final class ConnectionLimiter implements SessionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);

    /** Connections that trusted clients may open beyond {@code max-connections}. */
    static final int TRUSTED_RESERVE = 100;

    private final int maxConnections;
    private final int maxPerClient;
    private final TrustedNetworks trusted;
    private final String hostname;
    private final RefusalLog refusals;

    // Guarded by this. A session is counted from a successful accept() until onSessionEnd().
    private final Map<Session, String> active = new IdentityHashMap<>();
    private final Map<String, Integer> perClient = new HashMap<>();

    ConnectionLimiter(int maxConnections, int maxPerClient, TrustedNetworks trusted, String hostname,
                      RefusalLog refusals) {
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
        this.trusted = trusted;
        this.hostname = hostname;
        this.refusals = refusals;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        InetAddress address = address(session);
        boolean isTrusted = trusted.contains(address);
        String key = IpAddresses.clientKey(address);
        Refusal refusal;
        synchronized (this) {
            refusal = refusal(isTrusted, key);
            if (refusal != null && forgetClosedSessions() > 0) {
                refusal = refusal(isTrusted, key);
            }
            if (refusal == null) {
                active.put(session, key);
                perClient.merge(key, 1, Integer::sum);
                return SessionAcceptance.success();
            }
        }
        String client = address == null ? "unknown" : address.getHostAddress();
        refusals.refused(refusal.setting(), client, "421 " + refusal.text());
        return SessionAcceptance.failure(421, refusal.text());
    }

    private record Refusal(String setting, String text) {
    }

    private Refusal refusal(boolean isTrusted, String key) {
        if (isTrusted) {
            return null;
        }
        if (active.size() >= maxConnections) {
            return new Refusal("max-connections", "4.7.0 " + hostname + " too many connections (at most "
                    + maxConnections + " at once), try again later");
        }
        if (maxPerClient > 0 && perClient.getOrDefault(key, 0) >= maxPerClient) {
            return new Refusal("max-connections-per-ip", "4.7.0 " + hostname + " too many connections from " + key
                    + " (at most " + maxPerClient + " at once), try again later");
        }
        return null;
    }

    /**
     * A safety net: SubEthaSMTP calls onSessionEnd from a finally block, but a session counted forever would lock
     * its client out for good. Before refusing, sessions whose socket is closed are forgotten.
     */
    private int forgetClosedSessions() {
        int forgotten = 0;
        for (Iterator<Map.Entry<Session, String>> it = active.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Session, String> e = it.next();
            Socket s = e.getKey().getSocket();
            if (s == null || s.isClosed()) {
                it.remove();
                decrement(e.getValue());
                forgotten++;
            }
        }
        if (forgotten > 0) {
            LOG.warn("forgot {} SMTP session(s) that ended without notice", forgotten);
        }
        return forgotten;
    }

    @Override
    public void onSessionEnd(Session session) {
        synchronized (this) {
            String key = active.remove(session);
            if (key != null) {
                decrement(key);
            }
        }
    }

    private void decrement(String key) {
        perClient.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    synchronized int activeConnections() {
        return active.size();
    }

    private static InetAddress address(Session session) {
        InetSocketAddress a = session.getRemoteAddress();
        return a == null ? null : a.getAddress();
    }
}
