using System;
using System.Text;
using TinyInit.Text;
using TinyInit.Children;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Reaping;
using TinyInit.Readiness;
using TinyInit.Services;
using TinyInit.Signals;

namespace TinyInit.Control;

/// <summary>
/// The commands of the control socket: one request line in, the answer's lines out. A request is
/// words separated by blanks: <c>status</c>, <c>events</c>, <c>signal main|NAME SIG</c>,
/// <c>restart NAME</c>, <c>stop NAME</c>, <c>start NAME</c>. The answer's first line says whether
/// it was carried out (<see cref="ControlAnswer"/>); <c>status</c> then has one line per child.
/// Every action is logged with the peer that asked for it.
/// </summary>
internal sealed class ControlCommands : IDisposable
{
    /// <summary>The requests, for messages.</summary>
    public const string Usage = "status, events, signal main|NAME SIG, restart NAME, stop NAME, start NAME";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly MainChild? _main;
    private readonly ServiceSupervisor? _services;
    private readonly ReadinessCoordinator? _readiness;
    private readonly JsonLines _json = new();

    /// <param name="readiness">Readiness and start order, or null when none is in use: status then has no readiness fields.</param>
    public ControlCommands(MainChild? main, ServiceSupervisor? services, ReadinessCoordinator? readiness)
    {
        _main = main;
        _services = services;
        _readiness = readiness;
    }

    /// <summary>Carries out one request line (without its newline).</summary>
    public ControlReply Execute(ReadOnlySpan<byte> line, in Sys.ucred peer)
    {
        if (!TryDecode(line, out string text))
            return Refuse("not a request: send one line of text, one of: " + Usage);
        string[] words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            return Refuse("empty request: send one of: " + Usage);

        string from = $"pid {peer.pid} (uid {peer.uid})";
        ControlReply reply = (words[0], words.Length) switch
        {
            ("status", 1) => Status(),
            ("events", 1) => new ControlReply(Answer(new ControlAnswer { Ok = true }), Follow: true),
            ("signal", 3) => Act(text, from, Signal(words[1], words[2], out string message), message),
            ("restart" or "stop" or "start", 2) => Act(text, from, ServiceAction(words[0], words[1], out string message), message),
            ("status" or "events" or "signal" or "restart" or "stop" or "start", _) =>
                Refuse($"wrong number of words in '{Clip(text)}': the requests are {Usage}"),
            _ => Refuse($"unknown request '{Clip(words[0])}': the requests are {Usage}"),
        };
        if (!reply.Follow && words[0] is "status")
            Log.Debug($"control: status for {from}");
        else if (reply.Follow)
            Log.Debug($"control: {from} follows the events");
        return reply;
    }

    /// <summary>The one line that refuses a connection or a request.</summary>
    public byte[] Refusal(string error) => Answer(new ControlAnswer { Ok = false, Error = error });

    private ControlReply Refuse(string error) => new(Refusal(error), Follow: false);

    private ControlReply Act(string request, string from, bool ok, string message)
    {
        Log.Write(ok ? LogLevel.Info : LogLevel.Debug, $"control: '{request}' from {from}: {message}");
        return new ControlReply(Answer(ok ? new ControlAnswer { Ok = true, Message = message } : new ControlAnswer { Ok = false, Error = message }), Follow: false);
    }

    private bool Signal(string target, string name, out string message)
    {
        if (!SignalNames.TryParse(name, allowZero: false, out int sig))
        {
            message = $"'{Clip(name)}' is not a signal name or number (try TERM, SIGTERM, 15 or RTMIN+1)";
            return false;
        }

        if (target != "main")
            return WithService(target, service => (_services!.TrySignal(service, sig, out string m), m), out message);
        if (_main?.Child is not TrackedChild child)
        {
            message = "there is no main command: tinyinit runs services only";
            return false;
        }

        if (_main.HasExited)
        {
            message = "the main command has exited: tinyinit is stopping";
            return false;
        }

        int error = _main.Forward(sig, SignalRouter.IsTerminating(sig));
        message = error == 0
            ? $"sent {SignalNames.Name(sig)} to the main command '{child.Name}' (pid {child.Pid})"
            : $"sending {SignalNames.Name(sig)} to the main command (pid {child.Pid}): {Errors.Describe(error)}";
        return error == 0;
    }

    private bool ServiceAction(string action, string name, out string message) =>
        WithService(name, service => action switch
        {
            "restart" => (_services!.TryRestart(service, out string m), m),
            "stop" => (_services!.TryStop(service, out string m), m),
            _ => (_services!.TryStart(service, out string m), m),
        }, out message);

    private bool WithService(string name, Func<ServiceRuntime, (bool Ok, string Message)> act, out string message)
    {
        if (_services?.Find(name) is not ServiceRuntime service)
        {
            message = _services is null ? $"no service '{Clip(name)}': tinyinit runs no services"
                : name == "main" ? "the main command cannot be restarted, stopped or started (its exit ends tinyinit); 'signal main SIG' signals it"
                : $"no service '{Clip(name)}' (the services are {string.Join(", ", _services.Statuses().ConvertAll(s => s.Name))})";
            return false;
        }

        (bool ok, message) = act(service);
        return ok;
    }

    private ControlReply Status()
    {
        long now = Deadline.Now;
        _json.Clear();
        _json.Add(new ControlAnswer { Ok = true });
        ReadinessState? mainReadiness = _readiness?.StateOf(DependencyGraph.Main);
        if (_main is not null && (_main.Child is not null || mainReadiness is { WaitingFor.Count: > 0 }))
        {
            ExitStatus? exit = _main.Child?.Exit;
            _json.Add(WithReadiness(mainReadiness, new StatusRecord
            {
                Name = "main", Role = "main", Command = _main.Name, Pid = _main.Child is { Exit: null } main ? main.Pid : null,
                State = _main.Child is null ? "held" : exit is null ? "running" : "exited", LastExitCode = exit?.ToExitCode(), LastSignal = SignalOf(exit),
                SinceNs = _main.Child is null ? null : ExitEvent.NanosecondsFromTimestamp(_main.SpawnedAt),
                ForMs = _main.Child is null ? null : Milliseconds(now - _main.SpawnedAt),
            }));
        }

        foreach (ServiceStatus service in _services?.Statuses() ?? [])
        {
            bool waiting = service.State == ServiceState.Waiting;
            ReadinessState? readiness = _readiness?.StateOf(service.Name);
            bool held = service.Pid == 0 && readiness is { WaitingFor.Count: > 0 };
            _json.Add(WithReadiness(readiness, new StatusRecord
            {
                Name = service.Name, Role = "service", Command = service.Command, Pid = service.Pid != 0 ? service.Pid : null,
                State = held ? "held" : StateName(service.State), Restarts = service.Restarts,
                LastExitCode = service.LastExit?.ToExitCode(), LastSignal = SignalOf(service.LastExit),
                SinceNs = service.ChangedAt != 0 ? ExitEvent.NanosecondsFromTimestamp(service.ChangedAt) : null,
                ForMs = service.ChangedAt != 0 ? Milliseconds(now - service.ChangedAt) : null,
                RestartInMs = waiting ? Milliseconds(Math.Max(0, service.RestartAt - now)) : null,
            }));
        }

        return new ControlReply(_json.Written.ToArray(), Follow: false);
    }

    /// <summary>The record with its readiness fields, when readiness is in use.</summary>
    private static StatusRecord WithReadiness(ReadinessState? readiness, StatusRecord record) => readiness is ReadinessState state
        ? record with { Ready = state.Ready, WaitingFor = state.WaitingFor.Count > 0 ? state.WaitingFor : null, NotifyStatus = state.Status }
        : record;

    private byte[] Answer(ControlAnswer answer)
    {
        _json.Clear();
        _json.Add(answer);
        return _json.Written.ToArray();
    }

    /// <summary>Strict UTF-8 without control characters (a trailing CR, as socat's crnl sends, is dropped).</summary>
    private static bool TryDecode(ReadOnlySpan<byte> line, out string text)
    {
        text = "";
        if (line.EndsWith("\r"u8))
            line = line[..^1];
        try
        {
            text = StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (char.IsControl(c) && c != '\t')
                return false;
        }

        return true;
    }

    private static string StateName(ServiceState state) => state switch
    {
        ServiceState.Running => "running",
        ServiceState.Stopping => "stopping",
        ServiceState.Waiting => "waiting",
        ServiceState.Stopped => "stopped",
        _ => "exited",
    };

    private static string? SignalOf(ExitStatus? exit) => exit is { Signal: not 0 } killed ? SignalNames.Name(killed.Signal) : null;

    private static long Milliseconds(long stopwatchTicks) => (long)(stopwatchTicks * 1000.0 / System.Diagnostics.Stopwatch.Frequency);

    /// <summary>A word from the client, cut short for a message.</summary>
    private static string Clip(string word) => word.Length <= 40 ? word : string.Concat(word.AsSpan(0, 40), "...");

    public void Dispose() => _json.Dispose();
}
