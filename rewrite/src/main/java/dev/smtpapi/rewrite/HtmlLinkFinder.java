package dev.smtpapi.rewrite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attributes;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.Range;
import org.jsoup.parser.Parser;

/**
 * Finds the trackable links of an HTML part and where, in the part's own characters, their {@code href} values,
 * their {@code data-msys-*} attributes and the open pixels go.
 *
 * <p>Jsoup parses the HTML with position tracking; the document is only read, never serialised. Every position
 * Jsoup reports is checked against the source text (the attribute name is there, the raw value decodes to the
 * value Jsoup saw) before it becomes a splice, so a confused position can only leave a link untracked, never
 * damage the HTML. Links inside comments, including Outlook's {@code <!--[if mso]>} blocks, are not elements
 * and stay as they are.
 */
final class HtmlLinkFinder {

    static final String CLICKTRACK = "data-msys-clicktrack";
    static final String LINKNAME = "data-msys-linkname";
    static final String SUBLINK = "data-msys-sublink";
    static final String UNSUBSCRIBE = "data-msys-unsubscribe";
    private static final List<String> MSYS_ATTRIBUTES = List.of(LINKNAME, SUBLINK, UNSUBSCRIBE, CLICKTRACK);
    private static final int MAX_LINKNAME_BYTES = 63;

    private final String html;
    private final List<TrackedLink> links = new ArrayList<>();
    private final List<Splice> splices = new ArrayList<>();
    private int nextIndex;
    private int unverifiable;

    private HtmlLinkFinder(String html, int firstIndex) {
        this.html = html;
        this.nextIndex = firstIndex;
    }

    /** Finds links in {@code html}, numbering them from {@code firstIndex}. */
    static FoundLinks find(String html, int firstIndex) {
        HtmlLinkFinder finder = new HtmlLinkFinder(html, firstIndex);
        Document document = Jsoup.parse(html, "", Parser.htmlParser().setTrackPosition(true));
        for (Element element : document.select("a, area")) {
            finder.visit(element);
        }
        finder.addPixels(document);
        return new FoundLinks(finder.links, finder.splices, finder.unverifiable);
    }

    private void visit(Element element) {
        Attributes attributes = element.attributes();
        for (String name : MSYS_ATTRIBUTES) {
            if (attributes.hasKey(name)) {
                attributeExtent(attributes.sourceRange(name), name).ifPresent(extent ->
                        splices.add(Splice.delete(withLeadingWhitespace(extent[0]), extent[1])));
            }
        }
        if (!attributes.hasKey("href") || attributes.get(CLICKTRACK).trim().equals("0")) {
            return;
        }
        String href = attributes.get("href");
        String target = BrowserUrl.ofHref(href);
        if (!BrowserUrl.isHttp(target)) {
            return;
        }
        Optional<Splice> splice = hrefSplice(attributes.sourceRange("href"), href, nextIndex);
        if (splice.isEmpty()) {
            unverifiable++;
            return;
        }
        splices.add(splice.get());
        links.add(new TrackedLink(nextIndex++, target,
                nonEmpty(attributes.get(LINKNAME)).map(HtmlLinkFinder::truncateToLinknameLimit),
                nonEmpty(attributes.get(SUBLINK)).map(sublink -> sublink.replace(' ', '_')),
                attributes.get(UNSUBSCRIBE).trim().equals("1"),
                TrackedLink.Source.HTML));
    }

    private Optional<Splice> hrefSplice(Range.AttributeRange range, String value, int linkIndex) {
        Optional<int[]> extent = attributeExtent(range, "href");
        if (extent.isEmpty()) {
            return Optional.empty();
        }
        int valueStart = extent.get()[2];
        int valueEnd = extent.get()[3];
        if (valueStart < 0) {
            return Optional.empty();
        }
        char quote = valueStart > 0 && isQuote(html.charAt(valueStart - 1)) && valueEnd < html.length()
                && html.charAt(valueEnd) == html.charAt(valueStart - 1) ? html.charAt(valueStart - 1) : Splice.UNQUOTED;
        Range jsoupValue = range.valueRange();
        boolean samePlace = jsoupValue.isTracked() && jsoupValue.startPos() == valueStart && jsoupValue.endPos() == valueEnd;
        if (!samePlace || !Parser.unescapeEntities(html.substring(valueStart, valueEnd), true).equals(value)) {
            return Optional.empty();
        }
        return Optional.of(Splice.href(valueStart, valueEnd, linkIndex, quote));
    }

    /**
     * The attribute's place in the source, read from the source itself starting at the name Jsoup reports:
     * {@code [nameStart, end, valueStart, valueEnd]}, the value range excluding quotes ({@code -1} when the
     * attribute has no value). Empty when the name is not where Jsoup says.
     */
    private Optional<int[]> attributeExtent(Range.AttributeRange range, String name) {
        Range nameRange = range.nameRange();
        if (!nameRange.isTracked()) {
            return Optional.empty();
        }
        int nameStart = nameRange.startPos();
        int nameEnd = nameRange.endPos();
        if (nameEnd - nameStart != name.length() || nameEnd > html.length()
                || !html.regionMatches(true, nameStart, name, 0, name.length())) {
            return Optional.empty();
        }
        int pos = skipWhitespace(nameEnd);
        if (pos >= html.length() || html.charAt(pos) != '=') {
            return Optional.of(new int[] {nameStart, nameEnd, -1, -1});
        }
        pos = skipWhitespace(pos + 1);
        if (pos < html.length() && isQuote(html.charAt(pos))) {
            int close = html.indexOf(html.charAt(pos), pos + 1);
            if (close < 0) {
                return Optional.empty();
            }
            return Optional.of(new int[] {nameStart, close + 1, pos + 1, close});
        }
        int end = pos;
        while (end < html.length() && !isHtmlWhitespace(html.charAt(end)) && html.charAt(end) != '>') {
            end++;
        }
        return Optional.of(new int[] {nameStart, end, pos, end});
    }

    private void addPixels(Document document) {
        Element body = document.body();
        int end = endOfContent();
        if (body != null && explicit(body.endSourceRange(), "</body")) {
            end = body.endSourceRange().startPos();
        } else if (explicit(document.child(0).endSourceRange(), "</html")) {
            end = document.child(0).endSourceRange().startPos();
        }
        int initial = end;
        if (body != null && explicit(body.sourceRange(), "<body")) {
            initial = body.sourceRange().endPos();
        } else if (body != null) {
            for (Node child : body.childNodes()) {
                Range childRange = child.sourceRange();
                if (childRange.isTracked() && !childRange.isImplicit()) {
                    initial = childRange.startPos();
                    break;
                }
            }
        }
        splices.add(Splice.insert(Math.min(initial, end), Splice.Kind.INITIAL_OPEN_PIXEL));
        splices.add(Splice.insert(end, Splice.Kind.OPEN_PIXEL));
    }

    private boolean explicit(Range range, String tagStart) {
        return range.isTracked() && !range.isImplicit() && range.endPos() > range.startPos()
                && html.regionMatches(true, range.startPos(), tagStart, 0, tagStart.length());
    }

    /** Without a closing body or html tag the pixel goes after the last non-blank character. */
    private int endOfContent() {
        int end = html.length();
        while (end > 0 && isHtmlWhitespace(html.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private int withLeadingWhitespace(int start) {
        while (start > 0 && isHtmlWhitespace(html.charAt(start - 1))) {
            start--;
        }
        return start;
    }

    private int skipWhitespace(int pos) {
        while (pos < html.length() && isHtmlWhitespace(html.charAt(pos))) {
            pos++;
        }
        return pos;
    }

    private static boolean isHtmlWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'';
    }

    private static Optional<String> nonEmpty(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Momentum keeps at most 63 bytes of a link name; cut on a character boundary. */
    static String truncateToLinknameLimit(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_LINKNAME_BYTES) {
            return name;
        }
        int bytes = 0;
        int end = 0;
        while (end < name.length()) {
            int codePoint = name.codePointAt(end);
            int width = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + width > MAX_LINKNAME_BYTES) {
                break;
            }
            bytes += width;
            end += Character.charCount(codePoint);
        }
        return name.substring(0, end);
    }
}
