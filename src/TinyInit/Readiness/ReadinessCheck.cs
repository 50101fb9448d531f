using System;
using System.Diagnostics;
using TinyInit.Children;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Reaping;
using TinyInit.Services;
using TinyInit.Spawning;
using TinyInit.Text;

namespace TinyInit.Readiness;

/// <summary>
/// check:COMMAND for one service (or the main command): while it runs and is not ready,
/// <c>/bin/sh -c COMMAND</c> is tried every interval, each try in a process group of its own and
/// SIGKILLed (group and all) once it has run that long, so a check that hangs (a connect with no
/// timeout) never piles up. A try is a child of tinyinit like a service, held by a pidfd; its exit
/// comes from the one reaper. Tries never overlap: the next one starts an interval after the last
/// one started, or at once if that one was killed.
/// </summary>
internal sealed class ReadinessCheck : IDisposable
{
    private readonly string _name;
    private readonly TimeSpan _interval;
    private readonly NativeArgv _argv;
    private TrackedChild? _running;
    private long _startedAt;
    private long _killAt = Deadline.None;
    private long _nextTryAt = Deadline.None;
    private bool _active;

    /// <param name="name">The service's name, for logs.</param>
    /// <param name="command">The shell command.</param>
    /// <param name="interval">--ready-interval: between tries, and how long a try may run.</param>
    public ReadinessCheck(string name, string command, TimeSpan interval)
    {
        _name = name;
        _interval = interval;
        _argv = new NativeArgv([ServiceDefinition.Shell, "-c", command]);
    }

    /// <summary>The running try's pid, or 0.</summary>
    public int RunningPid => _running?.Pid ?? 0;

    public long NextDeadline => _running is not null ? _killAt : _active ? _nextTryAt : Deadline.None;

    /// <summary>The service was spawned: the first try starts at once.</summary>
    public void Begin(long now)
    {
        _active = true;
        _nextTryAt = now;
    }

    /// <summary>The service is ready or gone: no more tries, and a running one is killed.</summary>
    public void End()
    {
        _active = false;
        _nextTryAt = Deadline.None;
        if (_running is not null && _killAt != Deadline.None)
        {
            _killAt = Deadline.None;
            _running.Signal(Sys.SIGKILL, wholeGroup: true);
        }
    }

    /// <summary>Kills a try that ran its interval; starts the next one when it is due.</summary>
    /// <returns>The pid of a try started now, or 0.</returns>
    public unsafe int OnTurn(long now, in SpawnRequest template)
    {
        if (_running is not null)
        {
            if (now >= _killAt)
            {
                _killAt = Deadline.None;
                Log.Debug($"readiness check of '{_name}' (pid {_running.Pid}) still running after {Durations.Format(_interval)}: SIGKILL");
                _running.Signal(Sys.SIGKILL, wholeGroup: true);
            }

            return 0;
        }

        if (!_active || now < _nextTryAt)
            return 0;
        int error = ChildSpawner.Spawn(template with { Argv = _argv.Pointer, NewProcessGroup = true }, out int pid);
        if (error != 0)
        {
            Log.Warn($"readiness check of '{_name}': cannot run {ServiceDefinition.Shell}: {Errors.Describe(error)}; trying again in {Durations.Format(_interval)}");
            _nextTryAt = Deadline.In(_interval);
            return 0;
        }

        _running = new TrackedChild(pid, _name);
        _startedAt = now;
        _killAt = now + IntervalTicks;
        return pid;
    }

    /// <summary>The running try exited; unless <see cref="End"/> came first, the next one is due an interval after it started.</summary>
    /// <returns>Whether it said ready: it exited 0 while tries were wanted.</returns>
    public bool OnExit(ExitStatus status)
    {
        if (_running is null)
            return false;
        _running.MarkExited(status);
        _running = null;
        _killAt = Deadline.None;
        if (!_active)
            return false;
        Log.Debug($"readiness check of '{_name}' {status.Describe()}");
        if (status.Code == 0 && status.Signal == 0)
            return true;
        _nextTryAt = _startedAt + IntervalTicks;
        return false;
    }

    private long IntervalTicks => (long)(_interval.TotalSeconds * Stopwatch.Frequency);

    public void Dispose()
    {
        _running?.Dispose();
        _argv.Dispose();
    }
}
