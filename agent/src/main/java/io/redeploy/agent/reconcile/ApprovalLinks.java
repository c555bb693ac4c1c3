package io.redeploy.agent.reconcile;

import io.redeploy.agent.config.HttpConfig;
import io.redeploy.agent.reconcile.ActionRefusedException.Reason;
import io.redeploy.agent.state.Approval;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed approve links for the notifications of a pending digest: {@code <base>/v1/approve/link?token=<token>}, the
 * token {@code base64url(payload).base64url(HMAC-SHA256(key, payload))} over the service, the digest, when it started
 * waiting and when the link expires. Binding the moment it started waiting makes a link work once without a list of
 * used tokens: approving consumes that pending record, and a newer build (or the same digest pending again later)
 * starts a new one the old link does not name.
 */
public final class ApprovalLinks {
    public static final String PATH = "/v1/approve/link";
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final byte[] key;
    private final String baseUrl;
    private final Duration ttl;
    private final Clock clock;

    public ApprovalLinks(String key, String baseUrl, Duration ttl, Clock clock) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.baseUrl = baseUrl;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The links of this agent: none without {@code http.approval_key_env} (or {@code _file}). */
    public static Optional<ApprovalLinks> of(HttpConfig http, Clock clock) {
        return http.approvalKey().map(key -> new ApprovalLinks(key.reveal(), http.baseUrl(), DEFAULT_TTL, clock));
    }

    /** What a valid link names. */
    public record Claim(String service, String digest, Instant since, Instant expires) {}

    /** The link approving {@code pending} of {@code service}, valid for the TTL from now. */
    String link(String service, Approval pending) {
        Instant expires = clock.instant().plus(ttl);
        String payload = String.join(
                "\n", service, pending.digest(), pending.since().toString(), Long.toString(expires.getEpochSecond()));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return baseUrl + PATH + "?token=" + ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
    }

    /** The claim of a token signed with this key and not expired; refused otherwise, without saying more. */
    Claim verify(String token) throws ActionRefusedException {
        ActionRefusedException invalid =
                new ActionRefusedException(Reason.INVALID_LINK, "the approve link is not valid (altered or cut short)");
        int dot = token.indexOf('.');
        if (dot < 1 || token.length() > 2048) {
            throw invalid;
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid;
        }
        if (!MessageDigest.isEqual(mac(payload), signature)) { // constant time
            throw invalid;
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
        if (parts.length != 4) {
            throw invalid;
        }
        Claim claim;
        try {
            claim = new Claim(
                    parts[0], parts[1], Instant.parse(parts[2]), Instant.ofEpochSecond(Long.parseLong(parts[3])));
        } catch (RuntimeException e) {
            throw invalid;
        }
        if (!clock.instant().isBefore(claim.expires())) {
            throw new ActionRefusedException(
                    Reason.LINK_EXPIRED, "the approve link expired at " + claim.expires() + "; approve with the CLI");
        }
        return claim;
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
