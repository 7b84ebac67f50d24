package dev.smtpapi.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the {@code http://} and {@code https://} URLs of a plain-text part.
 *
 * <p>A URL runs until whitespace, a control character, {@code <}, {@code >}, {@code "}, {@code [[} or a CJK
 * character (Japanese text often follows a URL without a space). Trailing punctuation ({@code . , ; : ! ? ' *})
 * is not part of it, nor is a closing bracket that has no opening partner inside the URL, so
 * {@code (see https://x.com/a)} and {@code https://x.com/a.} give {@code https://x.com/a} while
 * {@code https://en.wikipedia.org/wiki/Mail_(disambiguation)} stays whole. A URL directly followed by
 * {@code [[data-msys-clicktrack="0"]]} is not tracked and the suffix is removed.
 */
final class TextLinkFinder {

    static final String OPT_OUT = "[[data-msys-clicktrack=\"0\"]]";
    private static final Pattern URL_START = Pattern.compile("(?i)https?://");

    private TextLinkFinder() {
    }

    /** Finds links in {@code text}, numbering them from {@code firstIndex}. */
    static FoundLinks find(String text, int firstIndex) {
        List<TrackedLink> links = new ArrayList<>();
        List<Splice> splices = new ArrayList<>();
        Matcher matcher = URL_START.matcher(text);
        int from = 0;
        while (from < text.length() && matcher.find(from)) {
            int start = matcher.start();
            int schemeEnd = matcher.end();
            if (start > 0 && isAsciiLetterOrDigit(text.charAt(start - 1))) { // "xhttp://" is not a URL
                from = schemeEnd;
                continue;
            }
            int scanEnd = schemeEnd;
            while (scanEnd < text.length() && isUrlChar(text, scanEnd)) {
                scanEnd++;
            }
            if (text.regionMatches(true, scanEnd, OPT_OUT, 0, OPT_OUT.length())) {
                splices.add(Splice.delete(scanEnd, scanEnd + OPT_OUT.length()));
                from = scanEnd + OPT_OUT.length();
                continue;
            }
            int end = withoutTrailingPunctuation(text, schemeEnd, scanEnd);
            if (end > schemeEnd) {
                int index = firstIndex + links.size();
                links.add(new TrackedLink(index, text.substring(start, end), Optional.empty(), Optional.empty(),
                        false, TrackedLink.Source.TEXT));
                splices.add(Splice.textUrl(start, end, index));
            }
            from = Math.max(end, schemeEnd);
        }
        return new FoundLinks(links, splices, 0);
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c < 0x80 && Character.isLetterOrDigit(c);
    }

    private static boolean isUrlChar(String text, int i) {
        char c = text.charAt(i);
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"') {
            return false;
        }
        if (c == '[' && i + 1 < text.length() && text.charAt(i + 1) == '[') {
            return false;
        }
        if (c < 0x80) {
            return true;
        }
        if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
            return false;
        }
        int codePoint = text.codePointAt(i);
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return Character.isLetterOrDigit(codePoint)
                && script != Character.UnicodeScript.HAN
                && script != Character.UnicodeScript.HIRAGANA
                && script != Character.UnicodeScript.KATAKANA
                && script != Character.UnicodeScript.HANGUL;
    }

    private static int withoutTrailingPunctuation(String text, int floor, int end) {
        // depth[k] < 0: more closing than opening brackets of kind k; counted once, updated as we cut.
        String opening = "([{";
        String closing = ")]}";
        int[] depth = new int[3];
        for (int i = floor; i < end; i++) {
            char c = text.charAt(i);
            int open = opening.indexOf(c);
            int close = closing.indexOf(c);
            if (open >= 0) {
                depth[open]++;
            } else if (close >= 0) {
                depth[close]--;
            }
        }
        while (end > floor) {
            char last = text.charAt(end - 1);
            int close = closing.indexOf(last);
            if (".,;:!?'*".indexOf(last) >= 0) {
                end--;
            } else if (close >= 0 && depth[close] < 0) {
                depth[close]++;
                end--;
            } else {
                break;
            }
        }
        return end;
    }
}
