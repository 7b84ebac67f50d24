package dev.smtpapi.rewrite;

/** The 1x1 image that reports an open when a mail client loads it. */
final class OpenPixel {

    private static final String PREFIX = "<img border=\"0\" width=\"1\" height=\"1\" alt=\"\" src=\"";

    private OpenPixel() {
    }

    /** Writes {@code <img border="0" width="1" height="1" alt="" src="URL">}, the URL escaped for double quotes. */
    static void write(String url, OutputBuffer out) {
        out.writeAscii(PREFIX);
        AttributeValue.write(url, '"', out);
        out.writeAscii("\">");
    }
}
