using TinyInit.Children;
using TinyInit.Cli;
using TinyInit.Control;
using TinyInit.Diagnostics;
using TinyInit.Events;
using TinyInit.Interop;
using TinyInit.Output;
using TinyInit.Reaping;
using TinyInit.Readiness;
using TinyInit.Services;
using TinyInit.Signals;
using TinyInit.Text;

namespace TinyInit.Supervision;

/// <summary>What tinyinit does with the signals it reads: the <see cref="SignalRouter"/> decides, this acts.</summary>
internal sealed unsafe partial class Init
{
    /// <summary>One batch of signals per turn (a storm never holds the loop), each routed by the <see cref="SignalRouter"/>.</summary>
    private void OnSignals()
    {
        foreach (ref readonly Sys.signalfd_siginfo info in _signals!.ReadBatch())
        {
            int sig = (int)info.ssi_signo;
            SignalDecision decision = _router.Route(sig, info.ssi_pid == _selfPid, _main?.Child is not null, _main?.HasExited ?? false);
            switch (decision.Action)
            {
                case SignalAction.Reap:
                    if (_exits is not null)
                        _exits.Due = true;
                    break;
                case SignalAction.Ignore:
                    Log.Debug($"{SignalNames.Name(sig)} received: not forwarded (tinyinit's own, or the main child has exited)");
                    break;
                case SignalAction.RestartServices:
                    _services?.RestartAll();
                    break;
                case SignalAction.ForwardToMain:
                    _events.Publish(new InitEvent(InitEventKind.Signal, EventPublisher.Now(), _main!.Child!.Pid, Signal: sig, Forwarded: decision.Forward));
                    if (decision.Forward == 0)
                        Log.Debug($"{SignalNames.Name(sig)} dropped (--rewrite)");
                    else
                        _main.Forward(decision.Forward, decision.ArmsKillAfter);
                    break;
                case SignalAction.Stop:
                    _events.Publish(new InitEvent(InitEventKind.Signal, EventPublisher.Now(), Signal: sig, Forwarded: 0));
                    Log.Info($"{SignalNames.Name(sig)} received: stopping the services");
                    _stopRequested = true;
                    _stopSignal = sig;
                    _services?.StopRestarting();
                    break;
                case SignalAction.ForwardToServices:
                    _events.Publish(new InitEvent(InitEventKind.Signal, EventPublisher.Now(), Signal: sig, Forwarded: decision.Forward));
                    if (decision.Forward != 0)
                        _services?.ForwardToAll(decision.Forward);
                    break;
            }
        }
    }
}
