package dev.smtpapi.rewrite;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.nibor.autolink.LinkExtractor;
import org.nibor.autolink.LinkSpan;
import org.nibor.autolink.LinkType;

/**
 * Finds the {@code http://} and {@code https://} URLs of a plain-text part with autolink's URL scanner.
 *
 * <p>autolink decides where a URL ends: at whitespace, {@code <} or {@code >}; trailing punctuation is not part
 * of it, nor is a closing bracket or quote without its opening partner inside the URL, so
 * {@code (see https://x.com/a)} and {@code https://x.com/a.} give {@code https://x.com/a} while
 * {@code https://en.wikipedia.org/wiki/Mail_(disambiguation)} stays whole. On top of that:
 * <ul>
 *   <li>only the http and https schemes count, and only with a real host ({@link BrowserUrl#hasHost}), so
 *       {@code http://.example.com} or {@code http://#} are left alone;</li>
 *   <li>a trailing {@code _}, {@code ~} or {@code *} is markdown emphasis, not part of the URL (as in GitHub's
 *       autolinks): {@code _http://example.com_} gives {@code http://example.com};</li>
 *   <li>double quotes pair up like autolink's single quotes, so a quoted word inside a path is kept while a
 *       closing quote after the URL is not;</li>
 *   <li>a URL ends before {@code [[} and before a CJK character or CJK punctuation (Japanese text often
 *       follows a URL without a space);</li>
 *   <li>a URL directly followed by {@code [[data-msys-clicktrack="0"]]} is not tracked and the suffix is
 *       removed.</li>
 * </ul>
 */
final class TextLinkFinder {

    static final String OPT_OUT = "[[data-msys-clicktrack=\"0\"]]";
    private static final String EMPHASIS = "_~*";
    private static final String TRAILING_PUNCTUATION = ".,;:!?";

    /** Immutable; every extraction keeps its own state. */
    private static final LinkExtractor URLS = LinkExtractor.builder().linkTypes(EnumSet.of(LinkType.URL)).build();

    private TextLinkFinder() {
    }

    /** Finds links in {@code text}, numbering them from {@code firstIndex}. */
    static FoundLinks find(String text, int firstIndex) {
        List<TrackedLink> links = new ArrayList<>();
        List<Splice> splices = new ArrayList<>();
        for (LinkSpan span : URLS.extractLinks(new ScannedText(text))) {
            int start = span.getBeginIndex();
            int end = withoutEmphasis(text, start, span.getEndIndex());
            if (!BrowserUrl.isHttp(text.substring(start, end)) || !BrowserUrl.hasHost(text, start, end)) {
                continue;
            }
            int optOut = optOutAfter(text, end);
            if (optOut >= 0) {
                splices.add(Splice.delete(optOut, optOut + OPT_OUT.length()));
                continue;
            }
            int index = firstIndex + links.size();
            links.add(new TrackedLink(index, text.substring(start, end), Optional.empty(), Optional.empty(),
                    false, TrackedLink.Source.TEXT));
            splices.add(Splice.textUrl(start, end, index));
        }
        return new FoundLinks(links, splices, 0);
    }

    private static int withoutEmphasis(String text, int start, int end) {
        int cut = end;
        while (cut > start && EMPHASIS.indexOf(text.charAt(cut - 1)) >= 0) {
            cut--;
            while (cut > start && TRAILING_PUNCTUATION.indexOf(text.charAt(cut - 1)) >= 0) {
                cut--;
            }
        }
        return cut;
    }

    /** Where the opt-out suffix starts, if it follows the URL with nothing but trailing punctuation between. */
    private static int optOutAfter(String text, int end) {
        int at = end;
        while (at < text.length() && at - end < 8 && (TRAILING_PUNCTUATION + EMPHASIS + ")]}'\"")
                .indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        return text.startsWith(OPT_OUT, at) ? at : -1;
    }

    /**
     * The text as autolink's scanner sees it: the same length, with {@code [[} and CJK characters shown as
     * spaces (a URL ends there) and {@code "} shown as {@code '} (quotes pair up).
     */
    private record ScannedText(String text) implements CharSequence {

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            char c = text.charAt(index);
            if (c == '"') {
                return '\'';
            }
            if (c == '[' && index + 1 < text.length() && text.charAt(index + 1) == '[') {
                return ' ';
            }
            if (c >= 0x2e80 && endsUrl(text.codePointAt(Character.isLowSurrogate(c) && index > 0 ? index - 1 : index))) {
                return ' ';
            }
            return c;
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            StringBuilder out = new StringBuilder(end - start);
            for (int i = start; i < end; i++) {
                out.append(charAt(i));
            }
            return out.toString();
        }

        @Override
        public String toString() {
            return subSequence(0, length()).toString();
        }

        private static boolean endsUrl(int codePoint) {
            Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
            Character.UnicodeBlock block = Character.UnicodeBlock.of(codePoint);
            return script == Character.UnicodeScript.HAN
                    || script == Character.UnicodeScript.HIRAGANA
                    || script == Character.UnicodeScript.KATAKANA
                    || script == Character.UnicodeScript.HANGUL
                    || block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
                    || block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS;
        }
    }
}
