package io.redeploy.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs systemd/verify.sh: `systemd-analyze verify` on the unit (must print nothing) and the offline security
 * rating. The script installs Debian's systemd package when systemd-analyze is missing, hence an IT.
 */
class SystemdUnitIT {
    @Test
    void theUnitVerifiesCleanlyAndIsWellHardened() throws Exception {
        RepoFiles.Result result = RepoFiles.bash(RepoFiles.file("systemd/verify.sh"), 600);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("verify: ok");
        assertThat(result.output()).containsPattern("security: (Overall exposure level .* OK|skipped)");
    }

    @Test
    void aMissingUnitFileIsAnError() throws Exception {
        RepoFiles.Result result = RepoFiles.bash(RepoFiles.file("systemd/verify.sh"), 10, "/nonexistent/redeploy-agent.service");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("no unit file at /nonexistent/redeploy-agent.service");
    }

    @Test
    void theScriptsPassShellcheck() throws Exception {
        // .ci/run installs Debian's shellcheck; a missing one fails here rather than passing silently.
        Process shellcheck = new ProcessBuilder("shellcheck",
                RepoFiles.file("systemd/install.sh").toString(), RepoFiles.file("systemd/verify.sh").toString(),
                RepoFiles.file("scripts/dev-stack.sh").toString(), RepoFiles.file("scripts/build-test-image.sh").toString(),
                RepoFiles.file("scripts/build-postgres-image.sh").toString(),
                RepoFiles.file("scripts/run-local.sh").toString(), RepoFiles.file("scripts/run-survey-app.sh").toString(),
                RepoFiles.file("bench/run.sh").toString(), RepoFiles.file(".ci/run").toString())
                .redirectErrorStream(true).start();
        String output = new String(shellcheck.getInputStream().readAllBytes());
        assertThat(shellcheck.waitFor()).as(output).isZero();
    }
}
