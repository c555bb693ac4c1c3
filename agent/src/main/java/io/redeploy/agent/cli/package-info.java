/**
 * The operator's command line on the server ({@code redeploy-agent status|history|trigger|rollback|hold|release|approve}): a
 * client of the agent's local HTTP endpoint, never of Docker or the state files. Imports no other package of the
 * agent: it reads only the {@code http:} section of the config file itself.
 */
package io.redeploy.agent.cli;
