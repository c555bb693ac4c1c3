package io.redeploy.agent.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.image.ImageFacts;
import io.redeploy.agent.image.MajorVersion;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MajorVersionRuleTest {

    private static ImageFacts image(Map<String, String> labels, Map<String, String> env) {
        return new ImageFacts(labels, env);
    }

    private static ImageFacts postgres(String major, String version) {
        return image(Map.of(), Map.of("PG_MAJOR", major, "PG_VERSION", version));
    }

    @Test
    void sameMajorFromPgMajorProceeds() {
        assertThat(MajorVersionRule.refusal(
                        Optional.of(postgres("16", "16.3-1.pgdg120+1")), postgres("16", "16.4-1.pgdg120+1")))
                .isEmpty();
    }

    @Test
    void majorChangeIsRefusedWithTheManualStep() {
        Optional<String> refusal =
                MajorVersionRule.refusal(Optional.of(postgres("15", "15.8")), postgres("16", "16.4"));

        assertThat(refusal)
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains(
                                "major version change 15 -> 16",
                                "env:PG_MAJOR",
                                "manual step",
                                "pg_upgrade",
                                "pin the tag to major 15"));
    }

    @Test
    void ociVersionLabelIsReadWhenNoDatabaseEnvIsSet() {
        String label = "org.opencontainers.image.version";
        assertThat(MajorVersionRule.refusal(
                        Optional.of(image(Map.of(label, "v2.7.1"), Map.of())), image(Map.of(label, "2.8.0"), Map.of())))
                .isEmpty();
        assertThat(MajorVersionRule.refusal(
                        Optional.of(image(Map.of(label, "2.7.1"), Map.of())), image(Map.of(label, "3.0.0"), Map.of())))
                .hasValueSatisfying(reason -> assertThat(reason).contains("2 -> 3", "label:" + label));
    }

    @Test
    void unknownVersionsAreRefusedRatherThanGuessed() {
        assertThat(MajorVersionRule.refusal(
                        Optional.of(image(Map.of(), Map.of())), image(Map.of(), Map.of("PG_MAJOR", "16"))))
                .isPresent();
        assertThat(MajorVersionRule.refusal(Optional.empty(), postgres("16", "16.4")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("cannot be inspected"));
    }

    @Test
    void majorParsing() {
        assertThat(MajorVersion.parse("16")).contains(16);
        assertThat(MajorVersion.parse("15.4-1.pgdg120+1")).contains(15);
        assertThat(MajorVersion.parse("1:10.11.6+maria~ubu2204")).contains(10);
        assertThat(MajorVersion.parse("v3.1")).contains(3);
        assertThat(MajorVersion.parse("latest")).isEmpty();
        assertThat(MajorVersion.parse("")).isEmpty();
        assertThat(MajorVersion.parse(null)).isEmpty();
    }
}
