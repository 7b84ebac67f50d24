package dev.smtpapi.tracker.machine;

import java.util.Locale;
import java.util.Optional;

/** Why an open or a click is judged to come from a machine rather than the recipient. */
public enum MachineReason {
    /** Apple Mail Privacy Protection fetches every image when the mail arrives. */
    APPLE_MPP,
    /** A mailbox provider's image proxy (Gmail, Yahoo...) fetched the pixel on the reader's behalf. */
    IMAGE_PROXY,
    /** A security gateway (SafeLinks, Proofpoint, Mimecast, Barracuda...) followed the link to inspect it. */
    LINK_SCANNER;

    /** The value events carry in {@code machine_reason}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<MachineReason> fromCode(String code) {
        for (MachineReason reason : values()) {
            if (reason.code().equals(code)) {
                return Optional.of(reason);
            }
        }
        return Optional.empty();
    }
}
