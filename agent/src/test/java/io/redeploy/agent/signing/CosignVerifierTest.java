package io.redeploy.agent.signing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.redeploy.agent.config.RegistryConfig;
import io.redeploy.agent.config.ServiceConfig;
import io.redeploy.agent.config.UpdatePolicy;
import io.redeploy.agent.config.VerifyConfig;
import io.redeploy.agent.config.VerifyConfig.TrustedKey;
import io.redeploy.agent.image.Digest;
import io.redeploy.agent.image.ImageRef;
import io.redeploy.agent.reconcile.SignatureCheck;
import io.redeploy.agent.reconcile.SignatureCheck.Result.Kind;
import io.redeploy.agent.registry.RegistryClient;
import io.redeploy.agent.registry.RegistryClientSettings;
import io.redeploy.agent.registry.RegistryException;
import io.redeploy.agent.registry.RegistryUnavailableException;
import io.redeploy.agent.signing.CosignFixture.Layer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The verifier against a WireMock registry serving cosign artifacts built to the spec, one way to go wrong per test. */
class CosignVerifierTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final KeyPair CI_KEY = CosignFixture.newKey();
    private static final KeyPair OTHER_KEY = CosignFixture.newKey();
    private static final Digest BUILD = Digest.parse("sha256:" + "ab".repeat(32));
    private static final Digest OTHER_BUILD = Digest.parse("sha256:" + "cd".repeat(32));
    private static final String SIG_PATH = "/v2/acme/web/manifests/" + CosignVerifier.signatureTag(BUILD);
    private static final VerifyConfig KEYS = keys(CI_KEY);

    private final RegistryClient registry = RegistryClient.builder(
                    image -> new RegistryConfig(image.registry(), true, Optional.empty(), Optional.empty()))
            .settings(RegistryClientSettings.defaults("test").withMaxAttempts(2))
            .sleeper(d -> {})
            .build();
    private final CosignVerifier verifier = new CosignVerifier(registry);

    @AfterEach
    void close() {
        registry.close();
    }

    private static VerifyConfig keys(KeyPair... pairs) {
        return new VerifyConfig(java.util.stream.IntStream.range(0, pairs.length)
                .mapToObj(i -> new TrustedKey("key" + (i + 1) + ".pub", pairs[i].getPublic()))
                .toList());
    }

    private static ImageRef image() {
        return new ImageRef("127.0.0.1:" + wm.getPort(), "acme/web", "main");
    }

    private static String reference() {
        return "127.0.0.1:" + wm.getPort() + "/acme/web";
    }

    /** Serves the .sig manifest for BUILD and every layer's payload as a blob. */
    private static void serve(Layer... layers) {
        serveManifest(CosignFixture.manifest(List.of(layers)));
        for (Layer layer : layers) {
            serveBlob(layer.digest(), layer.payload());
        }
    }

    private static void serveManifest(byte[] manifest) {
        wm.stubFor(get(urlEqualTo(SIG_PATH))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                        .withBody(manifest)));
    }

    private static void serveBlob(Digest digest, byte[] bytes) {
        wm.stubFor(get(urlEqualTo("/v2/acme/web/blobs/" + digest.value()))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/octet-stream")
                        .withBody(bytes)));
    }

    private Verification verify() throws RegistryException {
        return verifier.verify(image(), BUILD, KEYS);
    }

    @Test
    void aDigestSignedByTheConfiguredKeyIsVerified() throws Exception {
        Layer layer = CosignFixture.signedLayer(CI_KEY, reference(), BUILD);
        serve(layer);

        Verification result = verify();

        assertThat(result.verified()).isTrue();
        assertThat(result.detail()).isEqualTo("key1.pub");
        assertThat(result.signatureManifest()).contains(CosignFixture.sha256(CosignFixture.manifest(List.of(layer))));
        wm.verify(getRequestedFor(urlEqualTo(SIG_PATH))
                .withHeader(
                        "Accept",
                        com.github.tomakehurst.wiremock.client.WireMock.containing(
                                "application/vnd.oci.image.manifest.v1+json")));
    }

    @Test
    void anUnsignedDigestIsRefusedByName() throws Exception {
        wm.stubFor(get(urlEqualTo(SIG_PATH)).willReturn(aResponse().withStatus(404)));

        Verification result = verify();

        assertThat(result.verified()).isFalse();
        assertThat(result.detail())
                .isEqualTo("no cosign signature: tag " + CosignVerifier.signatureTag(BUILD) + " not found in "
                        + reference());
        assertThat(result.signatureManifest()).isEmpty();
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() throws Exception {
        serve(CosignFixture.signedLayer(OTHER_KEY, reference(), BUILD));

        assertThat(verify().detail())
                .startsWith("no valid signature by key1.pub in sha256-abab")
                .endsWith("(layer 1: signature does not verify with key1.pub)");
    }

    @Test
    void aValidSignatureOfAnotherDigestIsNotReplayedOnThisOne() throws Exception {
        serve(CosignFixture.signedLayer(CI_KEY, reference(), OTHER_BUILD));

        Verification result = verify();

        assertThat(result.verified()).isFalse();
        assertThat(result.detail())
                .contains(
                        "layer 1: signed payload is for digest " + OTHER_BUILD.value() + ", not " + BUILD.shortForm());
    }

    @Test
    void aTamperedPayloadDoesNotVerify() throws Exception {
        Layer signed = CosignFixture.signedLayer(CI_KEY, reference(), OTHER_BUILD);
        // Same signature, payload edited to name this build (and re-hashed, so the blob itself is consistent).
        Layer tampered = new Layer(CosignFixture.payload(reference(), BUILD), signed.signature());
        serve(tampered);

        assertThat(verify().detail()).contains("layer 1: signature does not verify with key1.pub");
    }

    @Test
    void aSignatureThatIsNotBase64IsRefused() throws Exception {
        serve(new Layer(CosignFixture.payload(reference(), BUILD), "not*base64!"));

        assertThat(verify().detail()).contains("layer 1: signature annotation is not valid base64");
    }

    @Test
    void aBlobWhoseBytesDoNotMatchItsDigestIsRefused() throws Exception {
        Layer layer = CosignFixture.signedLayer(CI_KEY, reference(), BUILD);
        serveManifest(CosignFixture.manifest(List.of(layer)));
        serveBlob(layer.digest(), CosignFixture.payload(reference(), OTHER_BUILD));

        assertThat(verify().detail())
                .contains("layer 1: payload unusable: registry sent blob "
                        + layer.digest().shortForm() + " whose content does not match its digest");
    }

    @Test
    void anOversizedPayloadIsNeitherDownloadedWhenDeclaredNorReadWhenServed() throws Exception {
        byte[] huge = new byte[(int) CosignVerifier.MAX_PAYLOAD_BYTES + 1];
        Layer declaredHuge = new Layer(huge, CosignFixture.sign(CI_KEY.getPrivate(), huge));
        serve(declaredHuge);

        assertThat(verify().detail()).contains("layer 1: payload of 65537 bytes is larger than 65536");
        wm.verify(0, getRequestedFor(urlPathMatching("/v2/acme/web/blobs/.*")));

        // A registry that serves more than the descriptor promised is cut off at the limit.
        Layer small = CosignFixture.signedLayer(CI_KEY, reference(), BUILD);
        serveManifest(CosignFixture.manifest(List.of(small)));
        serveBlob(small.digest(), huge);
        assertThat(verify().detail())
                .contains("layer 1: payload unusable: registry sent a response larger than 65536 bytes");
    }

    @Test
    void aMalformedSignatureManifestIsRefused() throws Exception {
        serveManifest("{\"schemaVersion\":2,\"layers\":".getBytes(StandardCharsets.UTF_8));
        assertThat(verify().detail())
                .startsWith(CosignVerifier.signatureTag(BUILD) + " is not a valid image manifest: not valid JSON");

        serveManifest("{\"schemaVersion\":2,\"config\":{}}".getBytes(StandardCharsets.UTF_8));
        assertThat(verify().detail()).endsWith("is not a valid image manifest: no 'layers' list");

        serveManifest("{\"schemaVersion\":2,\"layers\":[]}".getBytes(StandardCharsets.UTF_8));
        assertThat(verify().detail()).endsWith("holds no signature layer");
    }

    @Test
    void anOversizedManifestOrTooManyLayersAreRefusedUnread() throws Exception {
        serveManifest(new byte[(int) CosignVerifier.MAX_MANIFEST_BYTES + 1]);
        assertThat(verify().detail())
                .isEqualTo("signature manifest " + CosignVerifier.signatureTag(BUILD)
                        + " unusable: registry sent a response larger than 524288 bytes for repository acme/web on registry "
                        + "127.0.0.1:" + wm.getPort() + "; refused");

        Layer layer = CosignFixture.signedLayer(CI_KEY, reference(), BUILD);
        serveManifest(CosignFixture.manifest(java.util.Collections.nCopies(CosignVerifier.MAX_LAYERS + 1, layer)));
        assertThat(verify().detail()).endsWith("has 33 layers, more than 32 signatures are not examined");
        wm.verify(0, getRequestedFor(urlPathMatching("/v2/acme/web/blobs/.*")));
    }

    @Test
    void aLayerOfAnotherMediaTypeOrTypeDoesNotCount() throws Exception {
        byte[] payload = CosignFixture.payload(reference(), BUILD.value(), "atomic container signature");
        Layer wrongType = new Layer(payload, CosignFixture.sign(CI_KEY.getPrivate(), payload));
        Layer wrongMediaType = new Layer(CosignFixture.payload(reference(), BUILD), "x", "application/octet-stream");
        serve(wrongType, wrongMediaType);

        assertThat(verify().detail())
                .contains(
                        "layer 1: signed payload type 'atomic container signature' is not 'cosign container image signature'")
                .contains("layer 2: media type 'application/octet-stream' is not " + CosignFixture.SIMPLE_SIGNING);
    }

    @Test
    void aBuildSignedForAnotherRepositoryOfTheSameKeyIsRefused() throws Exception {
        // One CI key signs every repository; someone with a write token pushes acme/tool's signed build as acme/web.
        for (String other : List.of(
                "127.0.0.1:" + wm.getPort() + "/acme/tool", "ghcr.io/acme/web", "acme/web", "127.0.0.1:1/acme/web")) {
            serve(CosignFixture.signedLayer(CI_KEY, other, BUILD));

            Verification result = verify();

            assertThat(result.verified()).as(other).isFalse();
            assertThat(result.detail())
                    .as(other)
                    .contains("signed for " + other + ", not " + reference(), "verify.allowed_references");
        }
    }

    @Test
    void theSameRepositoryInAnySpellingCosignUsesIsAccepted() throws Exception {
        for (String same : List.of(reference(), reference() + ":main", reference() + "@" + BUILD.value())) {
            serve(CosignFixture.signedLayer(CI_KEY, same, BUILD));
            assertThat(verify().verified()).as(same).isTrue();
        }
        assertThat(SignedReference.normalize("postgres"))
                .isEqualTo(SignedReference.normalize("docker.io/library/postgres"))
                .isEqualTo(SignedReference.normalize("index.docker.io/library/postgres:16"))
                .contains("index.docker.io/library/postgres");
        assertThat(SignedReference.of(io.redeploy.agent.image.ImageRef.parse("acme/app", "main")))
                .isEqualTo("index.docker.io/acme/app");
    }

    @Test
    void aMirrorsSourceIsAcceptedOnlyWhenListed() throws Exception {
        serve(CosignFixture.signedLayer(CI_KEY, "ghcr.io/acme/web", BUILD));
        VerifyConfig mirror = new VerifyConfig(KEYS.keys(), List.of("ghcr.io/acme/web"), false);

        assertThat(verifier.verify(image(), BUILD, mirror).verified()).isTrue();
        assertThat(verify().verified()).isFalse();
    }

    @Test
    void aSignedPayloadWithoutARepositoryIsRefused() throws Exception {
        byte[] payload = ("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + BUILD.value()
                        + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
        serve(new Layer(payload, CosignFixture.sign(CI_KEY.getPrivate(), payload)));

        assertThat(verify().detail()).contains("signed payload names no repository");
    }

    @Test
    void oneGoodLayerAmongBadOnesIsEnoughAndAnyConfiguredKeyMay() throws Exception {
        serve(
                CosignFixture.signedLayer(OTHER_KEY, reference(), OTHER_BUILD),
                CosignFixture.signedLayer(CI_KEY, reference(), BUILD));

        Verification result = verifier.verify(image(), BUILD, keys(OTHER_KEY, CI_KEY));

        assertThat(result.verified()).isTrue();
        assertThat(result.detail()).isEqualTo("key2.pub");
    }

    @Test
    void claimsAreMatchedRegardlessOfCaseAsCosignDoesButNeverTwice() throws Exception {
        byte[] specSpelling = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + reference()
                        + "\"},\"image\":{\"Docker-manifest-digest\":\""
                        + BUILD.value()
                        + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
        serve(new Layer(specSpelling, CosignFixture.sign(CI_KEY.getPrivate(), specSpelling)));
        assertThat(verify().verified()).isTrue();

        byte[] twice = ("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + OTHER_BUILD.value()
                        + "\",\"Docker-Manifest-Digest\":\"" + BUILD.value()
                        + "\"},\"type\":\"cosign container image signature\"}}")
                .getBytes(StandardCharsets.UTF_8);
        serve(new Layer(twice, CosignFixture.sign(CI_KEY.getPrivate(), twice)));
        assertThat(verify().detail())
                .contains("signed payload unusable: 'docker-manifest-digest' appears twice in different case");

        byte[] duplicate = ("{\"critical\":{\"image\":{\"docker-manifest-digest\":\"" + OTHER_BUILD.value()
                        + "\",\"docker-manifest-digest\":\"" + BUILD.value()
                        + "\"},\"type\":\"cosign container image signature\"}}")
                .getBytes(StandardCharsets.UTF_8);
        serve(new Layer(duplicate, CosignFixture.sign(CI_KEY.getPrivate(), duplicate)));
        assertThat(verify().detail()).contains("signed payload unusable: not valid JSON (Duplicate field");
    }

    @Test
    void registryFailuresAreThrownForALaterRetryNotTurnedIntoRefusals() {
        wm.stubFor(get(urlEqualTo(SIG_PATH)).willReturn(aResponse().withStatus(503)));

        RegistryException failure = catchThrowableOfType(RegistryException.class, this::verify);

        assertThat(failure).isInstanceOf(RegistryUnavailableException.class);
        assertThat(failure.isTransient()).isTrue();
        wm.verify(2, getRequestedFor(urlEqualTo(SIG_PATH))); // retried like any registry read

        Layer layer = CosignFixture.signedLayer(CI_KEY, reference(), BUILD);
        serveManifest(CosignFixture.manifest(List.of(layer)));
        wm.stubFor(get(urlEqualTo("/v2/acme/web/blobs/" + layer.digest().value()))
                .willReturn(aResponse().withStatus(502)));
        assertThat(catchThrowableOfType(RegistryException.class, this::verify))
                .isInstanceOf(RegistryUnavailableException.class);

        wm.stubFor(get(urlEqualTo(SIG_PATH)).willReturn(aResponse().withStatus(401)));
        assertThat(catchThrowableOfType(RegistryException.class, this::verify).getMessage())
                .contains("credentials rejected");
    }

    @Test
    void aRefusalIsRecheckedWithOneHeadUntilTheSignatureTagChanges() {
        CosignSignatureCheck check = new CosignSignatureCheck(registry);
        ServiceConfig web = service(KEYS);
        wm.stubFor(get(urlEqualTo(SIG_PATH)).willReturn(aResponse().withStatus(404)));
        wm.stubFor(head(urlEqualTo(SIG_PATH)).willReturn(aResponse().withStatus(404)));

        assertThat(check.check(web, BUILD).kind()).isEqualTo(Kind.REFUSED);
        assertThat(check.check(web, BUILD).kind()).isEqualTo(Kind.STILL_REFUSED);
        assertThat(check.check(web, BUILD).detail()).startsWith("no cosign signature");
        wm.verify(1, getRequestedFor(urlEqualTo(SIG_PATH)));
        wm.verify(2, headRequestedFor(urlEqualTo(SIG_PATH)));

        // CI signs the build late: the .sig tag appears, the next check verifies it.
        Layer layer = CosignFixture.signedLayer(CI_KEY, reference(), BUILD);
        byte[] manifest = CosignFixture.manifest(List.of(layer));
        serve(layer);
        wm.stubFor(head(urlEqualTo(SIG_PATH))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader(
                                "Docker-Content-Digest",
                                CosignFixture.sha256(manifest).value())));

        SignatureCheck.Result result = check.check(web, BUILD);
        assertThat(result.kind()).isEqualTo(Kind.VERIFIED);
        assertThat(result.detail()).isEqualTo("key1.pub");
        assertThat(result.allowsDeploy()).isTrue();
    }

    @Test
    void aServiceWithoutVerifyIsNotCheckedAndRegistryTroubleIsUnavailable() {
        CosignSignatureCheck check = new CosignSignatureCheck(registry);
        assertThat(check.check(service(null), BUILD).kind()).isEqualTo(Kind.NOT_REQUIRED);
        wm.verify(0, getRequestedFor(urlPathMatching(".*")));

        wm.stubFor(get(urlEqualTo(SIG_PATH)).willReturn(aResponse().withStatus(500)));
        SignatureCheck.Result result = check.check(service(KEYS), BUILD);
        assertThat(result.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(result.allowsDeploy()).isFalse();
        assertThat(result.detail()).contains("HTTP 500");
    }

    @Test
    void keyMaterialNeverAppearsInToString() {
        String shown = KEYS.toString();
        assertThat(shown)
                .contains("key1.pub")
                .doesNotContain(Base64.getEncoder()
                        .encodeToString(CI_KEY.getPublic().getEncoded())
                        .substring(30, 60));
        assertThat(shown).doesNotContainIgnoringCase("x:").doesNotContain("public x coord");
    }

    private ServiceConfig service(VerifyConfig keys) {
        UpdatePolicy policy =
                keys == null ? UpdatePolicy.defaults() : UpdatePolicy.defaults().withVerify(keys);
        return ServiceConfig.builder("web", image())
                .mode(ServiceConfig.UpdateMode.AUTO)
                .stopTimeout(Duration.ofSeconds(10))
                .restartPolicy("unless-stopped")
                .policy(policy)
                .build();
    }
}
