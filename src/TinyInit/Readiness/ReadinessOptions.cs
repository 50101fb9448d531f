using System;
using System.Collections.Generic;
using TinyInit.Services;

namespace TinyInit.Readiness;

/// <summary>
/// What <see cref="ReadinessCoordinator"/> needs from the command line, built by Cli's Settings,
/// so that Readiness never depends on Cli.
/// </summary>
/// <param name="Plan">--ready and --after, checked against the services and the main command.</param>
/// <param name="Interval">--ready-interval: how often a check: command is tried, and how long a try may run.</param>
/// <param name="Timeout">--ready-timeout: a unit not ready this long after its spawn has failed; null: no limit.</param>
/// <param name="Services">The services in definition order.</param>
/// <param name="MainCommand">The main command's argv[0] for messages, or null when there is no main command.</param>
internal sealed record ReadinessOptions(
    ReadinessPlan Plan,
    TimeSpan Interval,
    TimeSpan? Timeout,
    IReadOnlyList<ServiceDefinition> Services,
    string? MainCommand);
