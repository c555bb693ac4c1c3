/** Waiting, injected ({@code Sleeper}), so tests advance fake clocks instead of sleeping. Imports nothing. */
package io.redeploy.agent.time;
