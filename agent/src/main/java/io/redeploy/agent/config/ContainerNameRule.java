package io.redeploy.agent.config;

import java.util.regex.Pattern;

/**
 * Docker's rule for container names; service names follow it because they are the default container name. The
 * agent's own suffixes ({@code .redeploy-old}, {@code .redeploy-new}) are reserved: a container under such a name is
 * taken for one a deploy set aside.
 */
final class ContainerNameRule {
    static final String RULE =
            "letters, digits, '_', '.' or '-', at least 2 characters, starting with a letter or digit";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final java.util.List<String> RESERVED_SUFFIXES = java.util.List.of(".redeploy-old", ".redeploy-new");

    private ContainerNameRule() {}

    static boolean matches(String name) {
        return NAME.matcher(name).matches();
    }

    static String parse(String text) {
        if (!matches(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a valid container name; expected " + RULE);
        }
        for (String suffix : RESERVED_SUFFIXES) {
            if (text.endsWith(suffix)) {
                throw new IllegalArgumentException("'" + text + "' ends with " + suffix + ", which the agent gives a "
                        + "container it sets aside during a deploy; expected another name");
            }
        }
        return text;
    }
}
