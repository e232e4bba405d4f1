package io.tlsrpt.collector.records;

/** How bad a finding is: ERROR breaks delivery or reporting, WARNING may, INFO is worth knowing. */
public enum Severity {
    ERROR, WARNING, INFO
}
