package io.tlsrpt.collector.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tlsrpt.collector.store.AlertStore;

import java.time.Instant;

/**
 * An alert as the page, the API and the webhook show it.
 *
 * @param facts the event's figures (domain, result type, sessions, days...) as a JSON object
 */
public record AlertView(long id, String kind, String domain, String title, String detail, JsonNode facts,
                        Instant createdAt, String webhookStatus, String emailStatus, int attempts, String lastError,
                        Instant deliveredAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static AlertView of(AlertStore.AlertRow r) {
        JsonNode facts;
        try {
            facts = JSON.readTree(r.factsJson());
        } catch (Exception e) {
            facts = JsonNodeFactory.instance.objectNode();
        }
        return new AlertView(r.id(), r.kind(), r.domain(), r.title(), r.detail(), facts, r.createdAt(),
                r.webhookStatus(), r.emailStatus(), r.attempts(), r.lastError(), r.deliveredAt());
    }
}
