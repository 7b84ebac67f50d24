package dev.smtpapi.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reading of named string options (mailet init parameters, a properties file, the environment), each
 * failure an {@link InvalidOptionException} naming the option. Blank values count as absent.
 */
public final class Options {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,12})\\s*(ms|s)?");
    private final Function<String, String> source;

    private Options(Function<String, String> source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Reads from a lookup that returns null for an absent option. */
    public static Options from(Function<String, String> source) {
        return new Options(source);
    }

    public static Options from(Map<String, String> values) {
        return new Options(values::get);
    }

    public Optional<String> string(String name) {
        String value = source.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public String string(String name, String defaultValue) {
        return string(name).orElse(defaultValue);
    }

    public boolean bool(String name, boolean defaultValue) {
        return string(name).map(value -> parseBoolean(name, value)).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        return string(name).map(value -> parseInteger(name, value, min, max)).orElse(defaultValue);
    }

    public long longValue(String name, long defaultValue, long min, long max) {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new InvalidOptionException(name, "expected a whole number, was '" + value.get() + "'");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidOptionException(name, "expected a number from " + min + " to " + max + ", was "
                    + parsed);
        }
        return parsed;
    }

    /**
     * A duration written as whole milliseconds ({@code 500ms}) or seconds ({@code 3s}, or a bare {@code 3}),
     * from {@code min} to {@code max}.
     */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        Matcher matcher = DURATION.matcher(value.get().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new InvalidOptionException(name, "expected a duration such as 3s, 3 (seconds) or 500ms, was '"
                    + value.get() + "'");
        }
        Duration parsed;
        try {
            long amount = Long.parseLong(matcher.group(1));
            parsed = "ms".equals(matcher.group(2)) ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidOptionException(name, "expected a duration such as 3s, was '" + value.get() + "'");
        }
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new InvalidOptionException(name, "expected from " + min.toMillis() + "ms to " + max.toMillis()
                    + "ms, was '" + value.get() + "'");
        }
        return parsed;
    }

    public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.get())) {
                return constant;
            }
        }
        throw new InvalidOptionException(name, "expected one of " + java.util.Arrays.toString(type.getEnumConstants())
                + ", was '" + value.get() + "'");
    }

    /** An optional path to an existing, readable file. */
    public Optional<Path> readableFile(String name) {
        Optional<String> value = string(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(value.get());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidOptionException(name, "expected a readable file, '" + value.get()
                    + "' is not one");
        }
        return Optional.of(path);
    }

    /** {@code true}, {@code false}, {@code 1} or {@code 0}, in any case. */
    public static boolean parseBoolean(String name, String value) {
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true":
            case "1":
                return true;
            case "false":
            case "0":
                return false;
            default:
                throw new InvalidOptionException(name, "expected true, false, 1 or 0, was '" + value + "'");
        }
    }

    public static int parseInteger(String name, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidOptionException(name, "expected a whole number, was '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidOptionException(name, "expected a number from " + min + " to " + max + ", was "
                    + parsed);
        }
        return parsed;
    }
}
