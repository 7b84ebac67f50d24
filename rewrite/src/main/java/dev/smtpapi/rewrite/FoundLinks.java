package dev.smtpapi.rewrite;

import java.util.List;

/**
 * What a link finder found in one decoded part: the links to track, in document order, and the splices to
 * make (href values, removed attributes, pixel insertion points). {@code unverifiable} counts links that looked
 * trackable but whose position in the source could not be confirmed; they are left as they are.
 */
record FoundLinks(List<TrackedLink> links, List<Splice> splices, int unverifiable) {

    FoundLinks {
        links = List.copyOf(links);
        splices = List.copyOf(splices);
    }
}
