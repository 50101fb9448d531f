using System;
using System.Diagnostics;
using TinyInit.Children;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Output;
using TinyInit.Reaping;
using TinyInit.Spawning;
using TinyInit.Text;

namespace TinyInit.Services;

/// <summary>Starting one service: its spawn, its output pipes (--tag-output), and a spawn that fails.</summary>
internal sealed partial class ServiceSupervisor
{
    private void Start(ServiceRuntime service)
    {
        service.RestartAt = Deadline.None;
        if (service.HeldStopped)
            return;
        service.StartWhenStopped = false;
        if (_readiness?.MayStart(service.Name) == false)
            return;
        OutputPipe? stdout = null, stderr = null;
        if (_options.TagOutput)
        {
            stdout = OpenPipe(service, _stdout);
            stderr = OpenPipe(service, _stderr);
        }

        SpawnRequest request;
        unsafe
        {
            request = _template with
            {
                Argv = service.Argv.Pointer,
                NewProcessGroup = true,
                ForegroundTerminalFd = -1,
                StdoutFd = stdout?.WriteFd ?? -1,
                StderrFd = stderr?.WriteFd ?? -1,
            };
        }

        if (_readiness is not null)
            request = _readiness.PrepareSpawn(service.Name, request);
        int error = ChildSpawner.Spawn(request, out int pid);
        stdout?.CloseWriteEnd();
        stderr?.CloseWriteEnd();
        if (error != 0)
        {
            _readiness?.OnSpawned(service.Name, 0);
            // An essential service that cannot run ends the run; no room for a process (125) may pass.
            if (_options.Essential.Contains(service.Name) && SpawnFailure.ExitCodeOf(error) is var code and not ExitCodes.UsageOrSetupError)
            {
                EndRun(service, $"cannot run {ServiceDefinition.Shell}: {SpawnFailure.Describe(error)}", new ExitStatus((int)code, 0, false));
                return;
            }

            // Never a restart "now": that retried at once, recursively, until the stack overflowed.
            TimeSpan delay = service.Backoff.NextDelayAfterFailedStart();
            Log.Error($"service '{service.Name}': cannot run {ServiceDefinition.Shell}: {SpawnFailure.Describe(error)}; trying again in {Durations.Format(delay)}");
            RestartIn(service, delay);
            return;
        }

        service.Child = new TrackedChild(pid, service.Name);
        service.StartedAt = Stopwatch.GetTimestamp();
        service.ChangedAt = service.StartedAt;
        service.Runs++;
        _byPid[pid] = service;
        Log.Info($"service '{service.Name}' started as pid {pid}");
        _events.Publish(new InitEvent(InitEventKind.Spawn, EventPublisher.Now(), pid, service.Name, ChildRole.Service));
        _readiness?.OnSpawned(service.Name, pid);
    }

    private OutputPipe? OpenPipe(ServiceRuntime service, OutputChannel? channel)
    {
        if (channel is null)
            return null;
        OutputPipe? pipe = OutputPipe.Open(service.Name, channel, out Errno error);
        if (pipe is null)
        {
            Log.Error($"service '{service.Name}': pipe: {Errors.Describe(error)}; its output is not tagged");
            return null;
        }

        _pipes.Add(pipe);
        pipe.Attach(_loop, OnPipeClosed);
        return pipe;
    }
}
