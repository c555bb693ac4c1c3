package io.redeploy.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** packaging/src/deb/java-home: which Java runtime the launcher and the postinst use, on fake runtimes. */
class JavaHomeTest {
    private static final Path SCRIPT = Repo.file("packaging/src/deb/java-home");

    @TempDir
    Path jvm;

    @Test
    void picksTheNewestRuntimeOfVersion17OrLater() throws Exception {
        runtime("java-11-openjdk-amd64", "11.0.25");
        runtime("java-17-openjdk-amd64", "17.0.15");
        Path newest = runtime("temurin-21-jre-amd64", "21.0.5");
        runtime("java-8-openjdk-amd64", "1.8.0_392");

        Command.Result result = javaHome(null);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().strip()).isEqualTo(newest.toRealPath().toString());
    }

    @Test
    void aSymlinkedRuntimeIsNamedByItsTarget() throws Exception {
        Path real = runtime("java-17-openjdk-amd64", "17.0.15");
        Files.createSymbolicLink(jvm.resolve("java-1.17.0-openjdk-amd64"), real);

        assertThat(javaHome(null).output().strip()).isEqualTo(real.toRealPath().toString());
    }

    @Test
    void aDirectoryWithoutJavaOrWithoutAReleaseFileIsNoRuntime() throws Exception {
        Path java17 = runtime("java-17-openjdk-amd64", "17.0.15");
        Files.createDirectories(jvm.resolve("openjdk-21")); // sources only, as Debian's openjdk-21-source
        Files.writeString(jvm.resolve("openjdk-21/release"), "JAVA_VERSION=\"21.0.5\"\n");
        Path noRelease = runtime("custom-25", "25");
        Files.delete(noRelease.resolve("release"));

        assertThat(javaHome(null).output().strip())
                .isEqualTo(java17.toRealPath().toString());
    }

    @Test
    void withOnlyOlderRuntimesItFailsNamingThePackageToInstall() throws Exception {
        runtime("java-11-openjdk-amd64", "11.0.25");
        runtime("java-8-openjdk-amd64", "1.8.0_392");

        Command.Result result = javaHome(null);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output())
                .contains("no Java 17 or later under " + jvm)
                .contains("apt-get install default-jre-headless");
    }

    @Test
    void javaHomeWinsOverTheNewestRuntime() throws Exception {
        Path chosen = runtime("java-17-openjdk-amd64", "17.0.15");
        runtime("temurin-21-jre-amd64", "21.0.5");

        assertThat(javaHome(chosen).output().strip()).isEqualTo(chosen.toString());
    }

    @Test
    void javaHomeOlderThan17IsRefused() throws Exception {
        Path old = runtime("java-11-openjdk-amd64", "11.0.25");
        runtime("temurin-21-jre-amd64", "21.0.5");

        Command.Result result = javaHome(old);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("JAVA_HOME=" + old + " is Java 11").contains("Java 17 or later");
    }

    @Test
    void javaHomeWithoutJavaIsRefused() throws Exception {
        Path empty = Files.createDirectories(jvm.resolve("empty"));

        Command.Result result = javaHome(empty);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("JAVA_HOME=" + empty + " has no bin/java");
    }

    /** A fake runtime: an executable bin/java and the release file that tells its version. */
    private Path runtime(String name, String version) throws Exception {
        Path home = Files.createDirectories(jvm.resolve(name).resolve("bin")).getParent();
        Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    private Command.Result javaHome(Path javaHomeVariable) {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", "/usr/bin:/bin");
        environment.put("REDEPLOY_AGENT_JVM_DIR", jvm.toString());
        if (javaHomeVariable != null) {
            environment.put("JAVA_HOME", javaHomeVariable.toString());
        }
        return Command.run(Duration.ofSeconds(30), environment, List.of("sh", SCRIPT.toString()));
    }
}
