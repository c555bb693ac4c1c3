package io.redeploy.agent.config;

import static io.redeploy.agent.config.ConfigProblemsTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.signing.CosignFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify: section: which key files bind, and the one line an operator reads when one does not. */
class VerifyConfigTest {
    private static final KeyPair KEY = CosignFixture.newKey();

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static AgentConfig load(String yaml) {
        try {
            return new ConfigLoader(Map.of("KEYS_DIR", "/nowhere")).parse(yaml, "agent.yml");
        } catch (ConfigException e) {
            throw new AssertionError(String.join("\n", e.problems()), e);
        }
    }

    private static String service(String verify) {
        return "services:\n  web:\n    image: ghcr.io/acme/app\n    verify:\n" + verify;
    }

    @Test
    void aCosignPublicKeyFileBinds() throws IOException {
        Path pub = write("cosign.pub", CosignFixture.pem(KEY.getPublic()));

        VerifyConfig verify = load(service("      cosign_public_key_file: " + pub + "\n"))
                .service("web")
                .orElseThrow()
                .policy()
                .verify()
                .orElseThrow();

        assertThat(verify.keys()).hasSize(1);
        assertThat(verify.keys().get(0).name()).isEqualTo("cosign.pub");
        assertThat(verify.keys().get(0).key()).isEqualTo(KEY.getPublic());
    }

    @Test
    void severalKeysFromAListOrFromOneFileAllowARotation() throws IOException {
        KeyPair next = CosignFixture.newKey();
        Path old = write("old.pub", CosignFixture.pem(KEY.getPublic()));
        Path both = write("both.pub", CosignFixture.pem(KEY.getPublic()) + CosignFixture.pem(next.getPublic()));

        VerifyConfig fromList = load(service("      cosign_public_key_files: [" + old + ", " + both + "]\n"))
                .service("web")
                .orElseThrow()
                .policy()
                .verify()
                .orElseThrow();

        assertThat(fromList.keys())
                .extracting(VerifyConfig.TrustedKey::name)
                .containsExactly("old.pub", "both.pub#1", "both.pub#2");
        assertThat(fromList.toString())
                .doesNotContain(
                        Base64.getEncoder().encodeToString(KEY.getPublic().getEncoded()));
    }

    @Test
    void allowedReferencesAndAllowOlderBindAndAMalformedReferenceIsNamed() throws IOException {
        Path pub = write("cosign.pub", CosignFixture.pem(KEY.getPublic()));

        VerifyConfig verify = load(service("      cosign_public_key_file: " + pub + "\n"
                        + "      allowed_references: [mirror.example.com/acme/app, acme/app]\n"
                        + "      allow_older: true\n"))
                .service("web")
                .orElseThrow()
                .policy()
                .verify()
                .orElseThrow();
        assertThat(verify.allowedReferences()).containsExactly("mirror.example.com/acme/app", "docker.io/acme/app");
        assertThat(verify.allowOlder()).isTrue();

        assertThat(problems(service("      cosign_public_key_file: " + pub + "\n"
                        + "      allowed_references: [\"ghcr.io/acme/app:main\"]\n")))
                .singleElement()
                .asString()
                .contains("services.web.verify.allowed_references[0]", "expected registry/path without tag");
    }

    @Test
    void withoutVerifyNothingIsRequired() {
        assertThat(load("services: {web: {image: ghcr.io/acme/app}}")
                        .service("web")
                        .orElseThrow()
                        .policy()
                        .verify())
                .isEmpty();
    }

    @Test
    void aMissingOrRelativeOrDirectoryFileIsAProblemOnItsLine() throws IOException {
        assertThat(problems(service("      cosign_public_key_file: " + dir.resolve("nope.pub") + "\n")))
                .containsExactly(
                        "agent.yml:5: services.web.verify.cosign_public_key_file: '" + dir.resolve("nope.pub")
                                + "' does not exist; "
                                + "expected a readable PEM file with the cosign public key, e.g. /etc/redeploy-agent/cosign.pub");
        assertThat(problems(service("      cosign_public_key_file: cosign.pub\n")))
                .containsExactly(
                        "agent.yml:5: services.web.verify.cosign_public_key_file: 'cosign.pub' is a relative path; expected an "
                                + "absolute path, e.g. /etc/redeploy-agent/cosign.pub");
        assertThat(problems(service("      cosign_public_key_file: " + dir + "\n")))
                .containsExactly("agent.yml:5: services.web.verify.cosign_public_key_file: '" + dir
                        + "' is a directory; expected a "
                        + "readable PEM file with the cosign public key, e.g. /etc/redeploy-agent/cosign.pub");
    }

    @Test
    void anUnreadableFileIsAProblem() throws IOException {
        Path pub = write("cosign.pub", CosignFixture.pem(KEY.getPublic()));
        pub.toFile().setReadable(false);
        if (Files.isReadable(pub)) {
            return; // running as root: permissions do not stop a read
        }
        assertThat(problems(service("      cosign_public_key_file: " + pub + "\n")))
                .containsExactly(
                        "agent.yml:5: services.web.verify.cosign_public_key_file: '" + pub
                                + "' cannot be read (permission "
                                + "denied); expected a readable PEM file with the cosign public key, e.g. /etc/redeploy-agent/cosign.pub");
    }

    @Test
    void aFileThatIsNotAnEcP256PublicKeyIsAProblem() throws Exception {
        Path text = write("notes.txt", "hello\n");
        Path privateKey = write(
                "cosign.key",
                "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
        Path ecPrivate = write("ec.key", "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Path rsaPub = write("rsa.pub", CosignFixture.pem(rsa.generateKeyPair().getPublic()));
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        Path p384Pub =
                write("p384.pub", CosignFixture.pem(p384.generateKeyPair().getPublic()));
        Path badBase64 = write("bad.pub", "-----BEGIN PUBLIC KEY-----\n@@@\n-----END PUBLIC KEY-----\n");

        String prefix = "agent.yml:5: services.web.verify.cosign_public_key_file: '";
        assertThat(problems(service("      cosign_public_key_file: " + text + "\n")))
                .containsExactly(prefix + text
                        + "' holds no PEM public key; expected a '-----BEGIN PUBLIC KEY-----' block as written by cosign "
                        + "generate-key-pair (cosign.pub)");
        assertThat(problems(service("      cosign_public_key_file: " + privateKey + "\n")))
                .containsExactly(prefix
                        + privateKey
                        + "' holds a PRIVATE key; expected the public key (cosign.pub), never the private one on "
                        + "the deploy host");
        assertThat(problems(service("      cosign_public_key_file: " + ecPrivate + "\n")))
                .containsExactly(prefix
                        + ecPrivate
                        + "' holds a PRIVATE key; expected the public key (cosign.pub), never the private one on "
                        + "the deploy host");
        assertThat(problems(service("      cosign_public_key_file: " + rsaPub + "\n")))
                .containsExactly(prefix + rsaPub
                        + "' holds a key that is not an ECDSA public key (RSA, ed25519 and other cosign key types are not supported); "
                        + "expected an ECDSA P-256 key as made by cosign generate-key-pair");
        assertThat(problems(service("      cosign_public_key_file: " + p384Pub + "\n")))
                .containsExactly(
                        prefix + p384Pub
                                + "' holds a key on another curve than P-256; expected an ECDSA P-256 key as made by cosign generate-key-pair");
        assertThat(problems(service("      cosign_public_key_file: " + badBase64 + "\n")))
                .containsExactly(
                        prefix + badBase64 + "' holds a key that is not valid base64; expected a PEM public key");
    }

    @Test
    void exactlyOneWayOfNamingKeysAndNoUnknownKeys() throws IOException {
        Path pub = write("cosign.pub", CosignFixture.pem(KEY.getPublic()));
        assertThat(problems(service(
                        "      cosign_public_key_file: " + pub + "\n      cosign_public_key_files: [" + pub + "]\n")))
                .containsExactly("agent.yml:5: services.web.verify: both cosign_public_key_file and "
                        + "cosign_public_key_files are set; expected exactly one: cosign_public_key_file: /path/cosign.pub "
                        + "or cosign_public_key_files: [/path/a.pub, /path/b.pub]");
        assertThat(problems("services: {web: {image: ghcr.io/acme/app, verify: {}}}"))
                .containsExactly(
                        "agent.yml:1: services.web.verify: no key is set; expected exactly one: cosign_public_key_file: "
                                + "/path/cosign.pub or cosign_public_key_files: [/path/a.pub, /path/b.pub]");
        assertThat(problems(service("      cosign_public_key: " + pub + "\n")))
                .contains(
                        "agent.yml:5: services.web.verify: unknown key 'cosign_public_key'; did you mean 'cosign_public_key_file'?");
        assertThat(problems(service("      cosign_public_key_files: []\n")))
                .containsExactly(
                        "agent.yml:5: services.web.verify.cosign_public_key_files: got an empty list; expected at least one "
                                + "public key file");
        assertThat(problems("services: {web: {image: ghcr.io/acme/app, verify: yes}}"))
                .containsExactly(
                        "agent.yml:1: services.web.verify: got yes (a boolean); expected a mapping such as {cosign_public_key_file: "
                                + "/etc/redeploy-agent/cosign.pub}");
    }

    @Test
    void aBadFileInAListIsNamedByItsIndexAndPathsMayUseTheEnvironment() throws IOException {
        Path pub = write("cosign.pub", CosignFixture.pem(KEY.getPublic()));
        assertThat(problems(service("      cosign_public_key_files:\n        - " + pub
                        + "\n        - ${KEYS_DIR:-/nowhere}/next.pub\n")))
                .containsExactly(
                        "agent.yml:7: services.web.verify.cosign_public_key_files[1]: '${KEYS_DIR:-/nowhere}/next.pub' "
                                + "does not exist; expected a readable PEM file with the cosign public key, e.g. "
                                + "/etc/redeploy-agent/cosign.pub");
    }
}
