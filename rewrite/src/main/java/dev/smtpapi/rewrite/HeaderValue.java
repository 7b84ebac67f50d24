package dev.smtpapi.rewrite;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A structured MIME header value such as {@code text/html; charset="utf-8"} or
 * {@code attachment; filename=a.pdf}: the main value, lower-cased, and its parameters. Comments in parentheses
 * are skipped, quoted strings unquoted. RFC 2231 parameters ({@code filename*0*=...}) are kept under their raw
 * names, which is enough to tell that a filename is present.
 */
final class HeaderValue {

    private final String value;
    private final Map<String, String> parameters;

    private HeaderValue(String value, Map<String, String> parameters) {
        this.value = value;
        this.parameters = parameters;
    }

    static HeaderValue parse(String header) {
        String text = withoutComments(header);
        int semicolon = indexOfUnquoted(text, ';', 0);
        String main = (semicolon < 0 ? text : text.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int pos = semicolon < 0 ? text.length() : semicolon + 1;
        while (pos < text.length()) {
            int end = indexOfUnquoted(text, ';', pos);
            if (end < 0) {
                end = text.length();
            }
            String parameter = text.substring(pos, end);
            int equals = parameter.indexOf('=');
            if (equals > 0) {
                String name = parameter.substring(0, equals).trim();
                String raw = parameter.substring(equals + 1).trim();
                parameters.putIfAbsent(name, unquote(raw));
            }
            pos = end + 1;
        }
        return new HeaderValue(main, parameters);
    }

    /** The main value, lower-cased: {@code text/html}, {@code attachment}. */
    String value() {
        return value;
    }

    Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    /** True when a parameter {@code name}, or an RFC 2231 form of it ({@code name*}, {@code name*0*}), is present. */
    boolean hasParameterNamed(String name) {
        for (String key : parameters.keySet()) {
            if (key.equalsIgnoreCase(name) || key.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + "*")) {
                return true;
            }
        }
        return false;
    }

    private static String withoutComments(String s) {
        if (s.indexOf('(') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        boolean quoted = false;
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                out.append(c);
                if (c == '\\' && i + 1 < s.length()) {
                    out.append(s.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (depth > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
            } else if (c == '(') {
                depth = 1;
            } else {
                if (c == '"') {
                    quoted = true;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int indexOfUnquoted(String s, char wanted, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String raw) {
        if (raw.length() < 2 || raw.charAt(0) != '"') {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                out.append(raw.charAt(++i));
            } else if (c == '"') {
                break;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
