using System;
using System.Collections.Generic;

namespace TinyInit.Services;

/// <summary>
/// What <see cref="ServiceSupervisor"/> needs from the command line, built by Cli's Settings. The
/// supervisor takes this record rather than Settings so that Services never depends on Cli.
/// </summary>
/// <param name="Services">The services in definition order, which is also their start order.</param>
/// <param name="RestartThreshold">--restart-threshold: a run longer than this resets the backoff.</param>
/// <param name="MinRestartDelay">--min-restart-delay: the first backoff delay.</param>
/// <param name="MaxRestartDelay">--max-restart-delay: the cap on the backoff delay.</param>
/// <param name="KillTimeout">--kill-timeout: SIGTERM to SIGKILL when a service is stopped.</param>
/// <param name="TagOutput">--tag-output: prefix each line a service writes with [NAME].</param>
/// <param name="Essential">--essential: the services whose exit ends the run.</param>
internal sealed record ServiceOptions(
    IReadOnlyList<ServiceDefinition> Services,
    TimeSpan RestartThreshold,
    TimeSpan MinRestartDelay,
    TimeSpan MaxRestartDelay,
    TimeSpan KillTimeout,
    bool TagOutput,
    IReadOnlySet<string> Essential);
