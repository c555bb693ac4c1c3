package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.image.Digest;

/**
 * Asked by the poll before a new digest is deployed (before the pull, so a refusal never touches the stack):
 * may this digest of this service be deployed as far as signatures go? Never throws.
 */
public interface SignatureCheck {

    /** No service is verified: everything may be deployed. */
    SignatureCheck NONE = (service, digest) -> Result.notRequired();

    Result check(ServiceConfig service, Digest digest);

    /** @param detail the signing key for VERIFIED, the reason for the refusals, the registry failure for UNAVAILABLE */
    record Result(Kind kind, String detail) {
        public enum Kind {
            /** The service has no {@code verify:} section. */
            NOT_REQUIRED,
            /** A configured key signed this digest. */
            VERIFIED,
            /** Not signed, or not validly: newly found, so log, record and notify it. */
            REFUSED,
            /** The refusal already reported for this digest still stands: nothing changed in its {@code .sig} tag. */
            STILL_REFUSED,
            /** The registry could not be asked; nothing is known about the signature, the next poll tries again. */
            UNAVAILABLE
        }

        public static Result notRequired() {
            return new Result(Kind.NOT_REQUIRED, "");
        }

        public boolean allowsDeploy() {
            return kind == Kind.NOT_REQUIRED || kind == Kind.VERIFIED;
        }
    }
}
