package dev.smtpapi.benchmarks.rewrite;

import dev.smtpapi.rewrite.RecipientUrls;
import dev.smtpapi.rewrite.TrackableMessage;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-recipient cost of tracking a 100 KB quoted-printable newsletter (60 HTML links, 10 text links) sent to
 * 100 recipients. Each operation is one recipient's copy, the recipients taken in turn, so every score is per
 * recipient. Sample mode times every operation: on a shared machine the median is the figure to compare,
 * since the mean also counts the time the benchmark thread was not running.
 * <ul>
 *   <li>{@code spliceRender}: ours, {@link TrackableMessage#render} on a message parsed once;</li>
 *   <li>{@code naiveJsoupRender}: the naive way, per recipient: decode the parts, Jsoup parse, set each
 *       href, add the pixel, serialise, re-encode quoted-printable, join the message;</li>
 *   <li>{@code copyEncodedHtmlPart} and {@code copyMessage}: copying the encoded bytes, the floor.</li>
 * </ul>
 * {@code parseOnce} is the one-off cost per mail of {@link TrackableMessage#parse}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RewriteBenchmark {

    static final int RECIPIENTS = 100;
    private static final Pattern TEXT_URL = Pattern.compile("https?://[^\\s<>\"]+");

    private NewsletterFixture fixture;
    private TrackableMessage parsed;
    private RecipientUrls[] recipients;
    private int next;

    @Setup
    public void setUp() {
        fixture = new NewsletterFixture();
        parsed = TrackableMessage.parse(fixture.message);
        if (!parsed.status().isRewritable() || parsed.links().size() != 70) {
            throw new IllegalStateException("fixture not as expected: " + parsed.status() + ", "
                    + parsed.links().size() + " links, " + parsed.statusDetail());
        }
        recipients = new RecipientUrls[RECIPIENTS];
        for (int r = 0; r < RECIPIENTS; r++) {
            recipients[r] = new Urls("r" + r);
        }
    }

    @Benchmark
    public byte[] spliceRender() {
        return parsed.render(nextRecipient());
    }

    @Benchmark
    public byte[] naiveJsoupRender() {
        return naive(nextRecipient());
    }

    @Benchmark
    public byte[] copyEncodedHtmlPart() {
        nextRecipient();
        return Arrays.copyOfRange(fixture.message, fixture.htmlStart, fixture.htmlStart + fixture.htmlEncoded.length);
    }

    @Benchmark
    public byte[] copyMessage() {
        nextRecipient();
        return fixture.message.clone();
    }

    @Benchmark
    public TrackableMessage parseOnce() {
        return TrackableMessage.parse(fixture.message);
    }

    private RecipientUrls nextRecipient() {
        RecipientUrls urls = recipients[next];
        next = next + 1 == RECIPIENTS ? 0 : next + 1;
        return urls;
    }

    /** What one would write without splicing: everything from the encoded parts, for each recipient. */
    private byte[] naive(RecipientUrls urls) {
        Document document = Jsoup.parse(decode(fixture.htmlEncoded));
        document.outputSettings().prettyPrint(false);
        int link = 0;
        for (Element anchor : document.select("a[href], area[href]")) {
            String href = anchor.attr("href").trim();
            if (href.regionMatches(true, 0, "http://", 0, 7) || href.regionMatches(true, 0, "https://", 0, 8)) {
                anchor.attr("href", urls.clickUrl(link++).orElse(href));
            }
            anchor.removeAttr("data-msys-linkname").removeAttr("data-msys-unsubscribe");
        }
        document.body().append("<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\""
                + urls.openPixelUrl().orElseThrow() + "\">");
        Matcher matcher = TEXT_URL.matcher(decode(fixture.textEncoded));
        StringBuilder text = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(text, Matcher.quoteReplacement(urls.clickUrl(link++).orElseThrow()));
        }
        matcher.appendTail(text);
        ByteArrayOutputStream out = new ByteArrayOutputStream(fixture.message.length + 8192);
        out.writeBytes(NewsletterFixture.HEAD.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(NewsletterFixture.quotedPrintable(text.toString()));
        out.writeBytes(NewsletterFixture.MIDDLE.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(NewsletterFixture.quotedPrintable(document.outerHtml()));
        out.writeBytes(NewsletterFixture.TAIL.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String decode(byte[] quotedPrintable) {
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(quotedPrintable), "quoted-printable")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tracking URLs of the shape the mailet makes: scheme, domain, a 40-character token. */
    private record Urls(String recipient) implements RecipientUrls {
        @Override
        public Optional<String> clickUrl(int linkIndex) {
            return Optional.of("https://click.northwind-mail.example/c/" + token(linkIndex));
        }

        @Override
        public Optional<String> openPixelUrl() {
            return Optional.of("https://click.northwind-mail.example/q/" + token(9999));
        }

        private String token(int linkIndex) {
            String token = "AQ" + recipient + "x" + linkIndex + "-Zk3pQ9vT2mL8sW4nB6yH1cR7dF0gJ5kXa8Lq2Wm4";
            return token.substring(0, 40);
        }
    }
}
