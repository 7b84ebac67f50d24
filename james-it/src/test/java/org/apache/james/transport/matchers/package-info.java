/**
 * Stand-ins for matchers of {@code james-server-mailets} 3.9.0, which the build cannot get here, under the
 * names a real {@code mailetcontainer.xml} uses.
 */
package org.apache.james.transport.matchers;
