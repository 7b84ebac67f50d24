package org.apache.james.transport.mailets;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Stand-in for James's {@code RecipientRewriteTable} mailet: the tests define no alias, forward or domain
 * mapping, and with none the real mailet leaves the recipients as they are, which is all this one does.
 */
public class RecipientRewriteTable extends GenericMailet {
    @Override
    public void service(Mail mail) {
        // No mapping exists in the tests' recipient rewrite table: every recipient is final.
    }
}
