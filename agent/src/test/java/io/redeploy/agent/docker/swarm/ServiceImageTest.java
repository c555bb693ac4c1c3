package io.redeploy.agent.docker.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.image.Digest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceImageTest {
    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);

    @Test
    void readsTheStackDeployFormWithTagAndDigest() {
        ServiceImage i = ServiceImage.parse("127.0.0.1:5000/acme/web:main@" + A);

        assertThat(i.repository()).isEqualTo("127.0.0.1:5000/acme/web");
        assertThat(i.tag()).contains("main");
        assertThat(i.digest()).contains(Digest.parse(A));
        assertThat(i).hasToString("127.0.0.1:5000/acme/web:main@" + A);
    }

    @Test
    void aRegistryPortIsNotATag() {
        ServiceImage i = ServiceImage.parse("127.0.0.1:5000/acme/web");

        assertThat(i.repository()).isEqualTo("127.0.0.1:5000/acme/web");
        assertThat(i.tag()).isEmpty();
        assertThat(i.digest()).isEmpty();
    }

    @Test
    void digestOnlyAndTagOnly() {
        assertThat(ServiceImage.parse("busybox@" + A).tag()).isEmpty();
        assertThat(ServiceImage.parse("busybox:1.36"))
                .isEqualTo(new ServiceImage("busybox", Optional.of("1.36"), Optional.empty()));
    }

    @Test
    void withDigestKeepsRepositoryAndTag() {
        assertThat(ServiceImage.parse("reg:5001/web:main@" + A).withDigest(Digest.parse(B)))
                .hasToString("reg:5001/web:main@" + B);
        assertThat(ServiceImage.parse("reg:5001/web").withDigest(Digest.parse(B)))
                .hasToString("reg:5001/web@" + B);
    }

    @Test
    void refusesWhatIsNoReference() {
        assertThatThrownBy(() -> ServiceImage.parse(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ServiceImage.parse("web@md5:abc")).isInstanceOf(IllegalArgumentException.class);
    }
}
