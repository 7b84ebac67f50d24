/**
 * Stand-ins for the delivery mailets of {@code james-server-mailets} 3.9.0 ({@code LocalDelivery},
 * {@code RemoteDelivery}, {@code ToRepository}), which the build cannot get here. They carry the same
 * names, in the package where James's loader looks up a bare {@code class="LocalDelivery"}, so a real
 * {@code mailetcontainer.xml} runs unchanged; instead of delivering they store the mail in a
 * {@code memory://} repository where the test reads it.
 */
package org.apache.james.transport.mailets;
