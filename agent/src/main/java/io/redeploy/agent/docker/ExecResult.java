package io.redeploy.agent.docker;

/**
 * How a command run inside a container ended.
 *
 * @param stderrTail the last few KiB of what it wrote on stderr, for a failure reason
 */
public record ExecResult(int exitCode, String stderrTail) {}
