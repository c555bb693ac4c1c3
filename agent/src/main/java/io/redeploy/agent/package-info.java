/**
 * The process: {@code Main} (the command line and its exit codes), {@code Agent} (start, each poll, a clean stop) and
 * {@code AgentParts} (the wiring of every other package). The only package that may import all the others; nothing
 * imports it.
 */
package io.redeploy.agent;
