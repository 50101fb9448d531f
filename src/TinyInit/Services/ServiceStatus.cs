using TinyInit.Reaping;

namespace TinyInit.Services;

/// <summary>One service as 'tinyinit ctl status' reports it.</summary>
/// <param name="Name">The service's name.</param>
/// <param name="Command">Its shell command.</param>
/// <param name="Pid">Its process while one runs, else 0.</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="Restarts">How many times it was started after its first run.</param>
/// <param name="LastExit">How its last run ended, or null.</param>
/// <param name="ChangedAt">When it last started or ended (Stopwatch timestamp), or 0 if never.</param>
/// <param name="RestartAt">When it will be started again (Stopwatch timestamp), for <see cref="ServiceState.Waiting"/>.</param>
internal readonly record struct ServiceStatus(
    string Name,
    string Command,
    int Pid,
    ServiceState State,
    int Restarts,
    ExitStatus? LastExit,
    long ChangedAt,
    long RestartAt);
