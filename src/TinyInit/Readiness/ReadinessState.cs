using System.Collections.Generic;

namespace TinyInit.Readiness;

/// <summary>Where one unit stands, as the control socket's <c>status</c> shows it.</summary>
/// <param name="Ready">Whether its current run said it is ready (or, without --ready, was spawned).</param>
/// <param name="WaitingFor">While it is held (--after): the units it still waits for; otherwise empty.</param>
/// <param name="Status">The last STATUS= text it sent (sd_notify), or null.</param>
internal readonly record struct ReadinessState(bool Ready, IReadOnlyList<string> WaitingFor, string? Status);
