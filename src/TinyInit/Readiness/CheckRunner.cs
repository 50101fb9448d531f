using System;
using System.Collections.Generic;
using TinyInit.Interop;
using TinyInit.Reaping;
using TinyInit.Spawning;
using Tmds.Linux;

namespace TinyInit.Readiness;

/// <summary>
/// Runs the check:COMMAND tries of every unit that has one: how they are spawned (tinyinit's
/// environment without NOTIFY_SOCKET; stdin, stdout and stderr on /dev/null, so a check neither
/// takes the main command's input nor floods the log every interval) and which unit each
/// running try belongs to, so that its exit, which comes from the one reaper, finds its way back.
/// </summary>
internal sealed class CheckRunner : IDisposable
{
    private readonly SpawnRequest _template;
    private readonly Dictionary<int, ReadinessUnit> _running = [];
    private int _devNull;

    /// <param name="template">How tinyinit starts children.</param>
    /// <param name="environment">The children's environments.</param>
    public unsafe CheckRunner(in SpawnRequest template, ChildEnvironment environment)
    {
        // Without /dev/null (a bare chroot), the tries share tinyinit's stdio like the services.
        _devNull = PathCalls.Open("/dev/null", Sys.O_RDWR | Sys.O_CLOEXEC, 0);
        _template = template with
        {
            Envp = environment.WithoutNotifySocket,
            ForegroundTerminalFd = -1,
            StdoutFd = _devNull,
            StderrFd = _devNull,
            ExtraFd = _devNull,
            ExtraFdTarget = 0,
        };
    }

    /// <summary>Gives the unit's tries their turn: kills one past its interval, starts the next when due.</summary>
    public void OnTurn(ReadinessUnit unit, long now)
    {
        if (unit.Check?.OnTurn(now, _template) is int pid and not 0)
            _running[pid] = unit;
    }

    /// <summary>The unit whose try pid is, or null.</summary>
    public ReadinessUnit? OwnerOf(int pid) => _running.GetValueOrDefault(pid);

    /// <summary>Takes the exit of a try.</summary>
    /// <returns>The unit that is ready because the try exited 0, or null.</returns>
    public ReadinessUnit? OnExit(int pid, ExitStatus status)
    {
        if (!_running.Remove(pid, out ReadinessUnit? unit))
            return null;
        return unit.Check!.OnExit(status) && unit.Pid != 0 ? unit : null;
    }

    public void Dispose()
    {
        if (_devNull >= 0)
        {
            LibC.close(_devNull);
            _devNull = -1;
        }
    }
}
