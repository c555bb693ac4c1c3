package io.redeploy.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher /usr/bin/redeploy-agent runs the JVM with the flags of systemd/redeploy-agent.service, the unit that
 * install.sh installs: a flag changed in one and not in the other fails here.
 */
class LauncherFlagsTest {
    /** The unconditional flags: jvm_flags="..." lines at the start of a line, not inside an if. */
    private static final Pattern LAUNCHER_FLAGS =
            Pattern.compile("^jvm_flags=\"(?:\\$jvm_flags )?([^\"$]*)", Pattern.MULTILINE);

    @Test
    void theLauncherPassesEveryJvmFlagOfTheUnit() throws Exception {
        List<String> unit = unitJvmFlags();
        List<String> launcher = launcherFlags();

        // The class-data archive and the journal's timestamps are conditional in the launcher (see there).
        List<String> unconditional = unit.stream()
                .filter(flag -> !flag.startsWith("-XX:SharedArchiveFile=") && !flag.equals("-Xshare:auto"))
                .filter(flag -> !flag.equals("-Dorg.slf4j.simpleLogger.showDateTime=false"))
                .toList();
        assertThat(launcher).containsExactlyElementsOf(unconditional);
        String script = Files.readString(Repo.file("packaging/src/deb/redeploy-agent"));
        assertThat(script)
                .contains("-XX:SharedArchiveFile=$archive -Xshare:auto")
                .contains("-Dorg.slf4j.simpleLogger.showDateTime=false")
                .contains("MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\"");
        assertThat(Files.readString(Repo.file("systemd/redeploy-agent.service")))
                .contains("Environment=MALLOC_ARENA_MAX=2");
    }

    /** The words between /usr/bin/java and -jar in the unit's ExecStart (continuation lines joined). */
    private static List<String> unitJvmFlags() throws Exception {
        String unit = Files.readString(Repo.file("systemd/redeploy-agent.service"));
        Matcher execStart = Pattern.compile("^ExecStart=((?:.*\\\\\\n)*.*)$", Pattern.MULTILINE)
                .matcher(unit);
        assertThat(execStart.find()).as("ExecStart in the unit").isTrue();
        List<String> words =
                Arrays.asList(execStart.group(1).replace("\\\n", " ").trim().split("\\s+"));
        assertThat(words.get(0)).isEqualTo("/usr/bin/java");
        return words.subList(1, words.indexOf("-jar"));
    }

    private static List<String> launcherFlags() throws Exception {
        Matcher lines = LAUNCHER_FLAGS.matcher(Files.readString(Repo.file("packaging/src/deb/redeploy-agent")));
        List<String> flags = new ArrayList<>();
        while (lines.find()) {
            if (!lines.group(1).isBlank()) {
                flags.addAll(Arrays.asList(lines.group(1).trim().split("\\s+")));
            }
        }
        return flags;
    }
}
