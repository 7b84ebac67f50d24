package dev.smtpapi.tracker.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The query parameters of one API request, read the way every API of the tracker reads them. */
public final class QueryParameters {
    private final Map<String, String[]> values;

    private QueryParameters(Map<String, String[]> values) {
        this.values = Map.copyOf(values);
    }

    /** From {@link jakarta.servlet.ServletRequest#getParameterMap()} (or a map written by hand in a test). */
    public static QueryParameters of(Map<String, String[]> values) {
        return new QueryParameters(values);
    }

    /** The parameter's first value, stripped; empty when absent or blank. */
    public Optional<String> string(String name) {
        String[] given = values.get(name);
        if (given == null || given.length == 0 || given[0] == null || given[0].isBlank()) {
            return Optional.empty();
        }
        return Optional.of(given[0].strip());
    }

    /** A comma-separated list, each item stripped, empty items left out; lower-cased if asked. */
    public Set<String> list(String name, boolean lowerCase) {
        return string(name).map(value -> Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(item -> !item.isEmpty())
                .map(item -> lowerCase ? item.toLowerCase(Locale.ROOT) : item)
                .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
    }

    /** The names given, for checks against what an API knows. */
    public Set<String> names() {
        return values.keySet();
    }
}
