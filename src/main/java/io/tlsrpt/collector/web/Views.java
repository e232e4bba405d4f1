package io.tlsrpt.collector.web;

import io.tlsrpt.collector.store.PreferenceStore;
import io.tlsrpt.collector.store.Visibility;
import jakarta.inject.Singleton;

/**
 * The visibility a request asks for: the dashboard's switches, which {@code unauthenticated=show|hide} and
 * {@code foreign=show|hide} override for one page or API call.
 */
@Singleton
final class Views {
    private final PreferenceStore preferences;

    Views(PreferenceStore preferences) {
        this.preferences = preferences;
    }

    Visibility resolve(String unauthenticated, String foreign) {
        Visibility saved = preferences.visibility();
        return new Visibility(choose("unauthenticated", unauthenticated, saved.authenticatedOnly()),
                choose("foreign", foreign, saved.ownDomainsOnly()));
    }

    private static boolean choose(String name, String value, boolean hiddenByDefault) {
        if (value == null || value.isBlank()) {
            return hiddenByDefault;
        }
        return switch (value.trim()) {
            case "hide" -> true;
            case "show" -> false;
            default -> throw new BadRequestException("'" + name + "' must be show or hide");
        };
    }
}
