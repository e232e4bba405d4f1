package io.tlsrpt.collector.ingest;

import io.micronaut.context.annotation.Factory;
import io.tlsrpt.collector.config.LimitSettings;
import io.tlsrpt.collector.mail.MailLimits;
import io.tlsrpt.collector.mail.ReportFinder;
import io.tlsrpt.collector.report.ParseLimits;
import jakarta.inject.Singleton;

/** The finder and the parser limits, built once from {@code tlsrpt.limits.*}. */
@Factory
class IngestFactory {
    @Singleton
    ReportFinder reportFinder(LimitSettings limits) {
        return new ReportFinder(new MailLimits(limits.maxReportSize(), limits.maxMimeParts(), limits.maxMimeDepth(),
                limits.maxHeaderBytes(), limits.maxHeaderLines(), limits.maxLineLength()));
    }

    @Singleton
    ParseLimits parseLimits(LimitSettings limits) {
        return new ParseLimits(limits.maxJsonDepth(), limits.maxStringLength(), limits.maxPolicies(),
                limits.maxFailureDetails(), ParseLimits.defaults().maxPolicyStringLines());
    }
}
