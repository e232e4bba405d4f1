package io.tlsrpt.collector.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Context;
import io.micronaut.runtime.event.annotation.EventListener;
import io.tlsrpt.collector.config.AlertSettings;
import io.tlsrpt.collector.ingest.ReportsStored;
import io.tlsrpt.collector.report.ResultType;
import io.tlsrpt.collector.store.AlertStore;
import io.tlsrpt.collector.store.PreferenceStore;
import io.tlsrpt.collector.store.Visibility;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Finds the events that alert, from the daily roll-ups:
 * <ul>
 *   <li>{@code new-failure}: a failure group (policy domain, result type, receiving MX) in reports of the last
 *       {@code new-failure-days} days that the domain never had before;</li>
 *   <li>{@code failure-rate}: a domain whose failed share of sessions over the last day (reports whose range starts
 *       yesterday or today, UTC) is above {@code failure-rate}, with at least {@code min-sessions} sessions;</li>
 *   <li>{@code reporter-silent}: an organisation that sent a report for a domain on each of at least
 *       {@code min-consecutive-days} consecutive days, then none for {@code silence-days} days whose reports are due
 *       (a day's report is due by the end of the next day).</li>
 * </ul>
 * Each event has a stable key. A new failure group and a reporter's stop alert once; a failure rate alerts again
 * after {@code cooldown} while it stays above the threshold (the others would otherwise repeat while their
 * condition holds over the days it looks back). Evaluated for the domains of
 * each batch of stored reports (new failures and rates), and for everything every {@code interval}. The dashboard's
 * switches (hide unauthenticated, hide foreign reports) apply, so that strangers' reports need not raise alerts.
 */
@Context
public class AlertEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEvaluator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Days before the last due day that a stop is still looked for (covers a collector that was down). */
    private static final int SILENCE_LOOKBACK_DAYS = 7;
    private static final int QUERY_LIMIT = 5000;
    private static final long EVENT_DELAY_MILLIS = 2000;
    /** The cool-down of events that alert once. */
    private static final Duration ONCE = null;

    private final AlertSettings settings;
    private final AlertStore store;
    private final PreferenceStore preferences;
    private final AlertNotifier notifier;
    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tlsrpt-alerts");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> pendingDomains = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    public AlertEvaluator(AlertSettings settings, AlertStore store, PreferenceStore preferences,
                          AlertNotifier notifier) {
        this.settings = settings;
        this.store = store;
        this.preferences = preferences;
        this.notifier = notifier;
        this.clock = Clock.systemUTC();
        if (!settings.enabled()) {
            LOG.info("alerts: off (tlsrpt.alerts.enabled is false)");
            return;
        }
        long interval = settings.interval().toMillis();
        executor.scheduleWithFixedDelay(this::scheduledRun, Math.min(interval, 60_000), interval,
                TimeUnit.MILLISECONDS);
    }

    /** After reports are stored: evaluate their domains soon, once for a burst of messages. */
    @EventListener
    void onReportsStored(ReportsStored event) {
        if (!settings.enabled() || event.domains().isEmpty()) {
            return;
        }
        pendingDomains.addAll(event.domains());
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                executor.schedule(this::drain, EVENT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                drainScheduled.set(false);
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        List<String> domains = new ArrayList<>(pendingDomains);
        pendingDomains.removeAll(domains);
        try {
            evaluate(domains);
        } catch (RuntimeException e) {
            LOG.warn("alerts: evaluation after stored reports failed: {}", e.toString());
        }
    }

    private void scheduledRun() {
        try {
            evaluateAll();
            notifier.submitPending();
        } catch (RuntimeException e) {
            LOG.warn("alerts: scheduled evaluation failed: {}", e.toString());
        }
    }

    /** Evaluates every event kind over every domain; returns the ids of the alerts raised. */
    public synchronized List<Long> evaluateAll() {
        Run run = new Run();
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Visibility visibility = preferences.visibility();
        newFailures(run, today, null, visibility);
        failureRates(run, today, null, visibility);
        silentReporters(run, today, visibility);
        return run.finish();
    }

    /** Evaluates new failure groups and failure rates of the given domains; returns the ids of the alerts raised. */
    public synchronized List<Long> evaluate(Collection<String> domains) {
        Run run = new Run();
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Visibility visibility = preferences.visibility();
        newFailures(run, today, domains, visibility);
        failureRates(run, today, domains, visibility);
        return run.finish();
    }

    private void newFailures(Run run, LocalDate today, Collection<String> domains, Visibility visibility) {
        LocalDate since = today.minusDays(settings.newFailureDays() - 1L);
        List<AlertStore.FailureGroupFacts> groups = store.newFailureGroups(since, domains, visibility, QUERY_LIMIT);
        // A new failure alerts once: the groups that alerted before are left out before their reporters are counted
        // (a burst's drains find the same groups again and again).
        Set<String> raisedBefore = store.raisedBefore(groups.stream().map(AlertEvaluator::newFailureKey).toList());
        for (AlertStore.FailureGroupFacts g : groups) {
            if (raisedBefore.contains(newFailureKey(g))) {
                continue;
            }
            if (run.full()) {
                return;
            }
            long reporters = store.reporters(g, visibility);
            String mx = g.receivingMxShown() != null && !g.receivingMxShown().isBlank() ? g.receivingMxShown()
                    : g.receivingMx().isEmpty() ? "(no MX named)" : g.receivingMx();
            Optional<ResultType.Known> known = ResultType.of(g.resultType()).known();
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("domain", g.domain());
            facts.put("resultType", g.resultType());
            facts.put("receivingMx", g.receivingMx());
            facts.put("firstDay", g.firstDay().toString());
            facts.put("lastDay", g.lastDay().toString());
            facts.put("sessions", g.sessions());
            facts.put("reporters", reporters);
            known.ifPresent(k -> {
                facts.put("meaning", k.meaning);
                facts.put("usualFix", k.usualFix);
            });
            String detail = "Sessions to " + mx + " failed with " + g.resultType() + " for the first time, on "
                    + g.firstDay() + ": " + g.sessions() + " failed session" + (g.sessions() == 1 ? "" : "s")
                    + " seen by " + reporters + " reporter" + (reporters == 1 ? "" : "s") + " since."
                    + known.map(k -> " " + k.meaning + " Usual fix: " + k.usualFix).orElse("");
            run.raise(new AlertStore.NewAlert(newFailureKey(g), AlertKinds.NEW_FAILURE, g.domain(),
                    "New failure at " + g.domain() + ": " + g.resultType() + " on " + mx, detail, json(facts),
                    notifier.webhookEnabled(), notifier.emailEnabled()), ONCE);
        }
    }

    /** The event key of a new failure group's alert. */
    private static String newFailureKey(AlertStore.FailureGroupFacts g) {
        return String.join("\n", AlertKinds.NEW_FAILURE, g.domain(), g.resultType(), g.receivingMx());
    }

    private void failureRates(Run run, LocalDate today, Collection<String> domains, Visibility visibility) {
        LocalDate since = today.minusDays(1);
        for (AlertStore.DomainSessions d : store.failingDomains(since, domains, visibility, settings.minSessions(),
                settings.failureRate(), QUERY_LIMIT)) {
            if (run.full()) {
                return;
            }
            double rate = d.sessions() == 0 ? 0 : (double) d.failed() / d.sessions();
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("domain", d.domain());
            facts.put("from", since.toString());
            facts.put("to", today.toString());
            facts.put("successful", d.successful());
            facts.put("failed", d.failed());
            facts.put("failureRate", Math.round(rate * 10000) / 10000.0);
            facts.put("threshold", settings.failureRate());
            facts.put("minSessions", settings.minSessions());
            String detail = d.failed() + " of " + d.sessions() + " sessions failed (" + percent(rate)
                    + ") in reports for " + since + " and " + today + "; the threshold is "
                    + percent(settings.failureRate()) + ".";
            run.raise(new AlertStore.NewAlert(String.join("\n", AlertKinds.FAILURE_RATE, d.domain()),
                    AlertKinds.FAILURE_RATE, d.domain(), "Failure rate " + percent(rate) + " at " + d.domain(),
                    detail, json(facts), notifier.webhookEnabled(), notifier.emailEnabled()), settings.cooldown());
        }
    }

    private void silentReporters(Run run, LocalDate today, Visibility visibility) {
        // A day's report is due by the end of the next day: the last day due is the day before yesterday.
        LocalDate lastDue = today.minusDays(2);
        LocalDate latestLast = lastDue.minusDays(settings.silenceDays());
        for (int back = 0; back <= SILENCE_LOOKBACK_DAYS; back++) {
            LocalDate last = latestLast.minusDays(back);
            for (AlertStore.SilentReporter s : store.stoppedAfter(last, settings.minConsecutiveDays(), visibility,
                    QUERY_LIMIT)) {
                if (run.full()) {
                    return;
                }
                long silent = lastDue.toEpochDay() - last.toEpochDay();
                Map<String, Object> facts = new LinkedHashMap<>();
                facts.put("domain", s.domain());
                facts.put("organization", s.organization());
                facts.put("lastDay", last.toString());
                facts.put("silentDays", silent);
                facts.put("consecutiveDaysBefore", settings.minConsecutiveDays());
                String detail = s.organization() + " sent a report for " + s.domain() + " every day up to " + last
                        + " (at least " + settings.minConsecutiveDays() + " days in a row), and none for the "
                        + silent + " days since that are due. Its mail to your rua may be failing, or it stopped "
                        + "reporting.";
                run.raise(new AlertStore.NewAlert(String.join("\n", AlertKinds.REPORTER_SILENT, s.domain(),
                        s.organization(), last.toString()), AlertKinds.REPORTER_SILENT, s.domain(),
                        s.organization() + " stopped sending reports for " + s.domain(), detail, json(facts),
                        notifier.webhookEnabled(), notifier.emailEnabled()), ONCE);
            }
        }
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    private static String json(Map<String, Object> facts) {
        try {
            return JSON.writeValueAsString(facts);
        } catch (Exception e) {
            return "{}";
        }
    }

    /** One evaluation: raises at most {@code max-per-run} alerts and hands them to delivery at the end. */
    private final class Run {
        private final List<Long> raised = new ArrayList<>();
        private final Instant now = clock.instant();
        private int overflow;

        boolean full() {
            if (raised.size() >= settings.maxPerRun()) {
                overflow++;
                return true;
            }
            return false;
        }

        void raise(AlertStore.NewAlert alert, Duration cooldown) {
            store.raise(alert, now, cooldown).ifPresent(id -> {
                raised.add(id);
                LOG.info("alert {}: {}", id, AlertMailer.headerSafe(alert.title()));
                notifier.submit(id);
            });
        }

        List<Long> finish() {
            if (overflow > 0) {
                LOG.warn("alerts: {} raised in one evaluation (tlsrpt.alerts.max-per-run); the rest follow in the "
                        + "next", raised.size());
            }
            return raised;
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
