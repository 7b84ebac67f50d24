/**
 * The rules of tracking, on bytes alone: which parts and links of a mail are tracked, and how one recipient's
 * copy is made from the received bytes. Nothing here knows James, Cassandra or HTTP.
 *
 * <p>{@link dev.smtpapi.rewrite.TrackableMessage#parse} reads a message once: it locates the MIME parts without
 * decoding the others ({@code MimeEntity}), decodes the first {@code text/html} and {@code text/plain} body parts
 * ({@code DecodedBody}), finds their links with Jsoup's source positions or a URL scanner
 * ({@code HtmlLinkFinder}, {@code TextLinkFinder}) and prepares every change as a {@code Splice}.
 * {@link dev.smtpapi.rewrite.TrackableMessage#render} then writes one recipient's copy: the input bytes, except
 * the encoded lines that hold a splice, which get the recipient's URLs ({@link dev.smtpapi.rewrite.RecipientUrls})
 * and are encoded again in the part's charset and transfer encoding ({@code PartRewriter}).
 */
package dev.smtpapi.rewrite;
