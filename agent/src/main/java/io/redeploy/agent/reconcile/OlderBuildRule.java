package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.ImageFacts;
import java.time.Instant;
import java.util.Optional;

/**
 * The time half of binding a signature (issue 16 item 5): a cosign signature vouches for a digest forever, so someone
 * with a registry write token (not the key) could point the tag back at an old signed build with a known hole. With
 * {@code verify:}, a signed image built before the one that runs (the image config's {@code created}) is refused. The
 * operator's rollback ({@code POST /v1/rollback}, {@code redeploy-agent rollback}) is the way back on purpose and does
 * not pass the planner; {@code verify.allow_older: true} turns the rule off (e.g. for a CI that re-tags old builds).
 * Equal times pass: reproducible builds that stamp a fixed time (Jib, ko: 1970-01-01) are not protected by it. Pure.
 */
final class OlderBuildRule {
    private OlderBuildRule() {}

    /** The service verifies signatures, has not opted out, and the running image's creation time is known. */
    static boolean applies(ServiceConfig service, Workload workload) {
        return service.policy().verify().filter(v -> !v.allowOlder()).isPresent()
                && workload.exists()
                && workload.imageFacts().flatMap(ImageFacts::created).isPresent();
    }

    /** Why {@code candidate} must not replace {@code running}; empty when it may. */
    static Optional<String> refusal(Optional<ImageFacts> running, ImageFacts candidate) {
        Optional<Instant> now = running.flatMap(ImageFacts::created);
        if (now.isEmpty()) {
            return Optional.empty();
        }
        if (candidate.created().isEmpty()) {
            return Optional.of("signed, but the new image's config has no creation time to compare with the running "
                    + "build's (" + now.get() + "); roll back on purpose with redeploy-agent rollback, or set "
                    + "verify.allow_older: true");
        }
        Instant next = candidate.created().get();
        if (!next.isBefore(now.get())) {
            return Optional.empty();
        }
        return Optional.of("signed, but built " + next + ", before the running build (" + now.get()
                + "): an old signed build re-tagged is not deployed; roll back on purpose with "
                + "redeploy-agent rollback (POST /v1/rollback), or set verify.allow_older: true");
    }
}
