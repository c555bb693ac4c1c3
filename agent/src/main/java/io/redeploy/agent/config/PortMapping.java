package io.redeploy.agent.config;

/** {@code [hostIp:]hostPort:containerPort[/protocol]}; hostIp empty means all interfaces. */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {}
