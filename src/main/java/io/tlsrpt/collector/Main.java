package io.tlsrpt.collector;

import io.micronaut.runtime.Micronaut;

public final class Main {
    public static void main(String[] args) {
        Micronaut.run(Main.class, args);
    }
}
