package io.redeploy.agent.deploy;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.docker.ContainerInfo;
import io.redeploy.agent.docker.ImageInfo;
import io.redeploy.agent.image.Digest;
import java.util.Optional;

/**
 * Where policy and lifecycle hooks plug into a {@link ContainerTarget}: once the new image is pulled and before the old
 * container is touched, and once the new container is healthy. Implementations never throw for expected failures.
 */
public interface DeployHooks {

    /** No policy, no hooks: every pulled image is deployed. */
    DeployHooks NONE = new DeployHooks() {
        @Override
        public Verdict beforeSwap(ServiceConfig service, Digest target, Optional<ContainerInfo> old, ImageInfo pulled) {
            return Verdict.proceed();
        }

        @Override
        public Optional<String> afterDeploy(ServiceConfig service, Digest target, String containerId) {
            return Optional.empty();
        }
    };

    /** Called after the pull, before the old container is stopped. */
    Verdict beforeSwap(ServiceConfig service, Digest target, Optional<ContainerInfo> old, ImageInfo pulled);

    /** Called once the new container is healthy and the old one removed; a problem to report, if any. */
    Optional<String> afterDeploy(ServiceConfig service, Digest target, String containerId);

    /** What {@link #beforeSwap} decided; {@code reason} is one readable sentence, never a secret. */
    record Verdict(Kind kind, String reason) {
        public enum Kind {
            /** Go on with the deploy. */
            PROCEED,
            /** Not now: leave everything as it is and try again at the next poll. */
            SKIP,
            /** A pre-update step failed: the deploy fails, the old container is untouched. */
            ABORT
        }

        public static Verdict proceed() {
            return new Verdict(Kind.PROCEED, "");
        }

        public static Verdict skip(String reason) {
            return new Verdict(Kind.SKIP, reason);
        }

        public static Verdict abort(String reason) {
            return new Verdict(Kind.ABORT, reason);
        }
    }
}
