package io.tlsrpt.collector.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tlsrpt.collector.config.AlertSettings;
import io.tlsrpt.collector.config.AlertSmtpSettings;
import io.tlsrpt.collector.store.AlertStore;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends raised alerts to the webhook and by e-mail, one at a time on a thread of its own, and records the outcome
 * on the alert. An alert whose delivery is still pending (the process stopped in between) is sent by the next
 * evaluation.
 */
@Singleton
public class AlertNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUEUE_CAPACITY = 10_000;
    /** A delivery taken this long ago and not finished (its instance stopped) is taken again. */
    private static final Duration CLAIM_TIMEOUT = Duration.ofHours(1);

    private final AlertStore store;
    private final WebhookSender webhook;
    private final AlertMailer mailer;
    private final String dashboardUrl;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(QUEUE_CAPACITY), r -> {
        Thread t = new Thread(r, "tlsrpt-alert-delivery");
        t.setDaemon(true);
        return t;
    });

    public AlertNotifier(AlertStore store, AlertSettings settings, AlertSmtpSettings smtp) {
        this.store = store;
        this.webhook = settings.webhookUrl() == null ? null : new WebhookSender(settings.webhookUrl(),
                settings.webhookTimeout(), settings.webhookRetries(), settings.webhookBackoff());
        this.mailer = smtp.enabled() ? new AlertMailer(smtp) : null;
        this.dashboardUrl = settings.dashboardUrl() == null ? null : settings.dashboardUrl().replaceAll("/+$", "");
        LOG.info("alerts: webhook {}, e-mail {}", webhook == null ? "off" : "on", mailer == null ? "off" : mailer);
    }

    boolean webhookEnabled() {
        return webhook != null;
    }

    boolean emailEnabled() {
        return mailer != null;
    }

    /** Queues an alert for delivery (nothing happens for one already queued). */
    public void submit(long alertId) {
        if ((webhook == null && mailer == null) || !inFlight.add(alertId)) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    deliver(alertId);
                } catch (RuntimeException e) {
                    LOG.error("alert {}: delivery failed", alertId, e);
                } finally {
                    inFlight.remove(alertId);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(alertId); // the next evaluation finds it pending
        }
    }

    /** Queues every alert whose delivery is pending. */
    void submitPending() {
        try {
            store.undelivered(Instant.now().minus(CLAIM_TIMEOUT), 1000).forEach(this::submit);
        } catch (RuntimeException e) {
            LOG.warn("alerts: cannot read pending deliveries: {}", e.getMessage());
        }
    }

    private void deliver(long alertId) {
        Instant now = Instant.now();
        if (!store.claimDelivery(alertId, now, now.minus(CLAIM_TIMEOUT))) {
            return; // delivered already, or another instance is delivering it
        }
        Optional<AlertStore.AlertRow> found = store.alert(alertId);
        if (found.isEmpty()) {
            return;
        }
        AlertView alert = AlertView.of(found.get());
        String webhookStatus = alert.webhookStatus();
        String emailStatus = alert.emailStatus();
        int attempts = 0;
        StringBuilder errors = new StringBuilder();
        if (AlertStore.PENDING.equals(webhookStatus)) {
            if (webhook == null) {
                webhookStatus = AlertStore.OFF;
            } else {
                WebhookSender.Result r = webhook.send(json(alert));
                attempts += r.attempts();
                webhookStatus = r.sent() ? AlertStore.SENT : AlertStore.FAILED;
                if (!r.sent()) {
                    errors.append(r.error());
                    LOG.warn("alert {}: webhook failed after {} attempt(s): {}", alertId, r.attempts(), r.error());
                }
            }
        }
        if (AlertStore.PENDING.equals(emailStatus)) {
            if (mailer == null) {
                emailStatus = AlertStore.OFF;
            } else {
                attempts++;
                try {
                    mailer.send("[tlsrpt] " + alert.title(), mailText(alert));
                    emailStatus = AlertStore.SENT;
                } catch (Exception e) {
                    emailStatus = AlertStore.FAILED;
                    errors.append(errors.length() > 0 ? "; " : "").append("e-mail: ").append(e.getMessage());
                    LOG.warn("alert {}: e-mail failed: {}", alertId, e.getMessage());
                }
            }
        }
        store.delivered(alertId, webhookStatus, emailStatus, attempts, errors.length() == 0 ? null : errors.toString(),
                Instant.now());
    }

    /** The webhook's body: the alert with its facts, a one-line {@code text} for chat webhooks, a link. */
    String json(AlertView alert) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", alert.id());
        n.put("kind", alert.kind());
        n.put("domain", alert.domain());
        n.put("title", alert.title());
        n.put("detail", alert.detail());
        n.put("text", alert.title() + ": " + alert.detail());
        n.put("createdAt", alert.createdAt().toString());
        n.put("url", link(alert));
        n.set("facts", alert.facts());
        n.put("source", "tlsrpt-collector");
        return n.toString();
    }

    private String mailText(AlertView alert) {
        StringBuilder b = new StringBuilder();
        b.append(alert.title()).append("\n\n").append(alert.detail()).append("\n\n");
        alert.facts().properties().forEach(e -> b.append(e.getKey()).append(": ")
                .append(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()).append('\n'));
        String link = link(alert);
        if (link != null) {
            b.append('\n').append(link).append('\n');
        }
        b.append("\nAlert ").append(alert.id()).append(" raised ").append(alert.createdAt())
                .append(" by tlsrpt-collector.\n");
        return b.toString();
    }

    private String link(AlertView alert) {
        return dashboardUrl == null ? null : dashboardUrl + "/domains/"
                + URLEncoder.encode(alert.domain(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    @PreDestroy
    void stop() throws InterruptedException {
        worker.shutdown();
        if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
            worker.shutdownNow();
        }
    }
}
