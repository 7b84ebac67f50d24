package dev.smtpapi.rewrite;

import java.util.Optional;

/**
 * Tracking URLs as the mailet would make them for one recipient, shaped like the real ones
 * ({@code https://t.example.net/c/<token>}), with the link index readable in the token for the assertions.
 */
record TestUrls(String recipient, boolean clicks, boolean opens, boolean initialOpen) implements RecipientUrls {

    static final String CLICK_PREFIX = "https://t.example.net/c/";

    static TestUrls forRecipient(String recipient) {
        return new TestUrls(recipient, true, true, false);
    }

    TestUrls withInitialOpen() {
        return new TestUrls(recipient, clicks, opens, true);
    }

    TestUrls withoutClicks() {
        return new TestUrls(recipient, false, opens, initialOpen);
    }

    TestUrls withoutOpens() {
        return new TestUrls(recipient, clicks, false, false);
    }

    String clickUrlOf(int linkIndex) {
        return CLICK_PREFIX + recipient + "-" + linkIndex;
    }

    String openPixelTag() {
        return "<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"https://t.example.net/q/" + recipient + "\">";
    }

    String initialOpenPixelTag() {
        return "<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"https://t.example.net/i/" + recipient + "\">";
    }

    @Override
    public Optional<String> clickUrl(int linkIndex) {
        return clicks ? Optional.of(clickUrlOf(linkIndex)) : Optional.empty();
    }

    @Override
    public Optional<String> openPixelUrl() {
        return opens ? Optional.of("https://t.example.net/q/" + recipient) : Optional.empty();
    }

    @Override
    public Optional<String> initialOpenPixelUrl() {
        return initialOpen ? Optional.of("https://t.example.net/i/" + recipient) : Optional.empty();
    }
}
