package io.redeploy.agent.signing;

import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.VerifyConfig;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.reconcile.SignatureCheck;
import io.redeploy.agent.reconcile.SignatureCheck.Result;
import io.redeploy.agent.registry.DigestSource;
import io.redeploy.agent.registry.RegistryClient;
import io.redeploy.agent.registry.RegistryException;
import io.redeploy.agent.registry.TagNotFoundException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cosign verification for the services with a {@code verify:} section, and the memory that keeps a refused digest
 * from costing a full verification at every poll.
 *
 * <p>After a refusal the digest of its {@code sha256-<hex>.sig} manifest (or its absence) is remembered. While the
 * tag keeps pointing at the refused digest, each poll asks only for that manifest's digest: one HEAD, the request
 * every poll already makes for the tag itself, and not counted by Docker Hub's pull limit. Unchanged: the refusal
 * stands, quietly. Changed (a signature was pushed, or appended by another {@code cosign sign}): full verification
 * again, so a build signed late is deployed at the next poll. The memory is per process: after a restart the
 * first poll verifies (and reports a refusal) once more.
 */
public final class CosignSignatureCheck implements SignatureCheck {
    private record Refusal(Digest digest, Optional<Digest> signatureManifest, String reason) {}

    private final CosignVerifier verifier;
    private final DigestSource manifestDigests;
    private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();

    public CosignSignatureCheck(RegistryClient registry) {
        this(new CosignVerifier(registry), registry);
    }

    CosignSignatureCheck(CosignVerifier verifier, DigestSource manifestDigests) {
        this.verifier = verifier;
        this.manifestDigests = manifestDigests;
    }

    @Override
    public Result check(ServiceConfig service, Digest digest) {
        Optional<VerifyConfig> keys = service.policy().verify();
        if (keys.isEmpty()) {
            return Result.notRequired();
        }
        try {
            Refusal known = refusals.get(service.name());
            if (known != null
                    && known.digest().equals(digest)
                    && signatureManifestDigest(service, digest).equals(known.signatureManifest())) {
                return new Result(Result.Kind.STILL_REFUSED, known.reason());
            }
            Verification verification = verifier.verify(service.image(), digest, keys.get());
            if (verification.verified()) {
                refusals.remove(service.name());
                return new Result(Result.Kind.VERIFIED, verification.detail());
            }
            refusals.put(service.name(), new Refusal(digest, verification.signatureManifest(), verification.detail()));
            return new Result(Result.Kind.REFUSED, verification.detail());
        } catch (RegistryException e) {
            return new Result(Result.Kind.UNAVAILABLE, e.getMessage());
        } catch (RuntimeException e) {
            // A bug must not turn into a deploy: fail closed, and try again at the next poll.
            return new Result(Result.Kind.UNAVAILABLE, "signature check failed unexpectedly: " + e);
        }
    }

    private Optional<Digest> signatureManifestDigest(ServiceConfig service, Digest digest) throws RegistryException {
        try {
            return Optional.of(manifestDigests.digestOf(CosignVerifier.signatureRef(service.image(), digest)));
        } catch (TagNotFoundException e) {
            return Optional.empty();
        }
    }
}
