package io.redeploy.agent.reconcile;

import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.image.MajorVersion;
import java.util.Optional;

/**
 * The {@code pin-major} rule: a new image is deployed only when it declares the same major version as the running
 * one. A major upgrade of a database changes its on-disk format (PostgreSQL 15 cannot be read by 16), so it is
 * refused with the manual step it needs. When either version cannot be read, it refuses too: this rule exists for
 * the case where guessing wrong loses data. Pure.
 */
final class MajorVersionRule {
    private MajorVersionRule() {}

    /** Why {@code candidate} must not replace {@code running}; empty when it may. */
    static Optional<String> refusal(Optional<ImageFacts> running, ImageFacts candidate) {
        if (running.isEmpty()) {
            return Optional.of("pin-major: the running container's image cannot be inspected, so its major version "
                    + "is unknown; manual step: deploy this version by hand once, or set policy: auto");
        }
        for (String source : MajorVersion.SOURCES) {
            Optional<MajorVersion> now = MajorVersion.read(running.get(), source);
            Optional<MajorVersion> next = MajorVersion.read(candidate, source);
            if (now.isPresent() && next.isPresent()) {
                if (now.get().major() == next.get().major()) {
                    return Optional.empty();
                }
                return Optional.of(
                        "pin-major: major version change " + now.get().major() + " -> "
                                + next.get().major() + " (" + source + " "
                                + now.get().raw() + " -> " + next.get().raw()
                                + ") not deployed; manual step: back up the data and migrate it to the new major version "
                                + "(PostgreSQL: pg_dumpall and restore, or pg_upgrade), then deploy by hand; or pin the tag to "
                                + "major " + now.get().major());
            }
        }
        return Optional.of("pin-major: no major version found in both images (looked at "
                + String.join(", ", MajorVersion.SOURCES) + "); manual step: label the image with "
                + "org.opencontainers.image.version, or set policy: auto");
    }
}
