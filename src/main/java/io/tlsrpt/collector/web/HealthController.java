package io.tlsrpt.collector.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.tlsrpt.collector.ingest.Health;

/** {@code GET /health}: 200 when SMTP, HTTP and the database are up, 503 with the parts that are not. */
@Controller("/health")
@Produces(MediaType.APPLICATION_JSON)
public class HealthController {
    private final Health health;

    public HealthController(Health health) {
        this.health = health;
    }

    @Get
    public HttpResponse<Health.Status> health() {
        Health.Status status = health.check();
        return status.up() ? HttpResponse.ok(status) : HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(status);
    }
}
