using TinyInit.Interop;
using TinyInit.Signals;

namespace TinyInit.UnitTests.Signals;

public sealed class SignalRouterTests
{
    private static readonly Dictionary<int, int> NoRewrites = [];

    [Fact]
    public void Sigchld_always_reaps()
    {
        var router = new SignalRouter(NoRewrites, Sys.SIGHUP, hasServices: true);
        Assert.Equal(SignalAction.Reap, router.Route(Sys.SIGCHLD, fromSelf: false, hasMain: true, mainExited: true).Action);
        Assert.Equal(SignalAction.Reap, router.Route(Sys.SIGCHLD, fromSelf: false, hasMain: false, mainExited: false).Action);
    }

    [Fact]
    public void A_sigpipe_raised_by_tinyinit_itself_is_ignored_but_one_sent_from_outside_is_forwarded()
    {
        var router = new SignalRouter(NoRewrites, Sys.SIGHUP, hasServices: false);
        Assert.Equal(SignalAction.Ignore, router.Route(Sys.SIGPIPE, fromSelf: true, hasMain: true, mainExited: false).Action);
        Assert.Equal(new SignalDecision(SignalAction.ForwardToMain, Sys.SIGPIPE), router.Route(Sys.SIGPIPE, fromSelf: false, hasMain: true, mainExited: false));
    }

    [Theory]
    [InlineData(Sys.SIGTERM, true)]
    [InlineData(Sys.SIGINT, true)]
    [InlineData(Sys.SIGQUIT, true)]
    [InlineData(Sys.SIGHUP, true)]
    [InlineData(Sys.SIGUSR1, false)]
    [InlineData(Sys.SIGWINCH, false)]
    [InlineData(Sys.SIGRTMAX, false)]
    public void A_signal_is_forwarded_to_the_main_child_and_only_terminating_ones_arm_kill_after(int signal, bool terminating)
    {
        var router = new SignalRouter(NoRewrites, Sys.SIGHUP, hasServices: false);
        Assert.Equal(new SignalDecision(SignalAction.ForwardToMain, signal, terminating), router.Route(signal, false, hasMain: true, mainExited: false));
    }

    [Fact]
    public void A_rewrite_decides_what_is_forwarded_and_whether_kill_after_starts()
    {
        var router = new SignalRouter(new Dictionary<int, int> { [Sys.SIGTERM] = Sys.SIGQUIT, [Sys.SIGHUP] = Sys.SIGUSR1, [Sys.SIGUSR2] = 0 }, Sys.SIGHUP, hasServices: false);
        Assert.Equal(new SignalDecision(SignalAction.ForwardToMain, Sys.SIGQUIT, true), router.Route(Sys.SIGTERM, false, true, false));
        Assert.Equal(new SignalDecision(SignalAction.ForwardToMain, Sys.SIGUSR1, false), router.Route(Sys.SIGHUP, false, true, false));
        Assert.Equal(new SignalDecision(SignalAction.ForwardToMain, 0, false), router.Route(Sys.SIGUSR2, false, true, false));
    }

    [Fact]
    public void Nothing_is_forwarded_once_the_main_child_has_exited()
    {
        var router = new SignalRouter(NoRewrites, Sys.SIGHUP, hasServices: false);
        Assert.Equal(SignalAction.Ignore, router.Route(Sys.SIGTERM, false, hasMain: true, mainExited: true).Action);
    }

    [Fact]
    public void The_restart_signal_restarts_the_services_only_when_there_are_services()
    {
        var withServices = new SignalRouter(NoRewrites, Sys.SIGUSR2, hasServices: true);
        var without = new SignalRouter(NoRewrites, Sys.SIGUSR2, hasServices: false);
        Assert.Equal(SignalAction.RestartServices, withServices.Route(Sys.SIGUSR2, false, true, false).Action);
        Assert.Equal(SignalAction.ForwardToMain, without.Route(Sys.SIGUSR2, false, true, false).Action);
    }

    [Fact]
    public void Without_a_main_command_terminating_signals_stop_and_others_go_to_every_service_rewritten()
    {
        var router = new SignalRouter(new Dictionary<int, int> { [Sys.SIGUSR1] = Sys.SIGUSR2 }, Sys.SIGHUP, hasServices: true);
        Assert.Equal(SignalAction.Stop, router.Route(Sys.SIGTERM, false, hasMain: false, mainExited: false).Action);
        Assert.Equal(SignalAction.Stop, router.Route(Sys.SIGINT, false, hasMain: false, mainExited: false).Action);
        Assert.Equal(new SignalDecision(SignalAction.ForwardToServices, Sys.SIGUSR2), router.Route(Sys.SIGUSR1, false, hasMain: false, mainExited: false));
        Assert.Equal(SignalAction.RestartServices, router.Route(Sys.SIGHUP, false, hasMain: false, mainExited: false).Action);
    }
}
