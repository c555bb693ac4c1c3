package io.redeploy.agent.config;

import java.time.Duration;
import java.util.Optional;

/**
 * When and how a new digest of a service's tag may be deployed.
 *
 * @param kind      auto, notify (report only), pin-major (only within the running major version) or approve
 *                  (only once an operator approved the digest)
 * @param cooldown  a new digest is deployed only once it has been the tag's digest this long ({@code 0} = at once)
 * @param preUpdate run before the old container is stopped; its failure aborts the deploy
 * @param postUpdate run in the new container once it is healthy; its failure is reported, never rolled back
 * @param verify    when present, only a digest with a cosign signature by one of these keys is deployed
 */
public record UpdatePolicy(
        Kind kind,
        Duration cooldown,
        Optional<HookConfig> preUpdate,
        Optional<HookConfig> postUpdate,
        Optional<VerifyConfig> verify) {

    public enum Kind {
        /** Deploy every new digest of the tag. */
        AUTO,
        /** Report new digests, never touch the container (what {@code mode: monitor} always meant). */
        NOTIFY,
        /** Deploy a new digest only when the image's major version is unchanged; refuse otherwise. */
        PIN_MAJOR,
        /** Deploy a new digest only once an operator approved it; until then it waits as pending. */
        APPROVE;

        /** The spelling in the config file and in logs: {@code auto}, {@code notify}, {@code pin-major}. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public UpdatePolicy {
        verify = verify == null ? Optional.empty() : verify;
    }

    /** A policy without signature verification. */
    public UpdatePolicy(Kind kind, Duration cooldown, Optional<HookConfig> preUpdate, Optional<HookConfig> postUpdate) {
        this(kind, cooldown, preUpdate, postUpdate, Optional.empty());
    }

    public static UpdatePolicy defaults() {
        return new UpdatePolicy(Kind.AUTO, Duration.ZERO, Optional.empty(), Optional.empty());
    }

    public static UpdatePolicy of(Kind kind) {
        return new UpdatePolicy(kind, Duration.ZERO, Optional.empty(), Optional.empty());
    }

    public UpdatePolicy withKind(Kind newKind) {
        return new UpdatePolicy(newKind, cooldown, preUpdate, postUpdate, verify);
    }

    public UpdatePolicy withHooks(Optional<HookConfig> pre, Optional<HookConfig> post) {
        return new UpdatePolicy(kind, cooldown, pre, post, verify);
    }

    public UpdatePolicy withCooldown(Duration wait) {
        return new UpdatePolicy(kind, wait, preUpdate, postUpdate, verify);
    }

    public UpdatePolicy withVerify(VerifyConfig keys) {
        return new UpdatePolicy(kind, cooldown, preUpdate, postUpdate, Optional.of(keys));
    }
}
