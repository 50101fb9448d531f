using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Shutdown;

/// <summary>--timeout stops a command that runs too long (exit 124, as timeout(1)); --kill-after follows a terminating signal with SIGKILL.</summary>
public sealed class TimeoutTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void TimeoutGives124AndLeavesNothingRunning(InitMode mode)
    {
        using var run = InitRun.Start(output, mode,
            ["--timeout", "300ms", "--grace", "300ms", "--", "sh", "-c", "\"$0\" spawn-leftover ignore-term; exec sleep 1000", Paths.Probe]);
        Assert.Equal(124, run.WaitForExit());
        Assert.Contains("'sh' timed out after 300ms", run.Stderr);
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void TimeoutFollowsUpWithSigkillAfterKillAfter()
    {
        var env = new Dictionary<string, string?> { ["TINYINIT_TIMEOUT"] = "0.2", ["TINYINIT_KILL_AFTER"] = "300ms" };
        using var run = InitRun.Start(output, InitMode.Subreaper, env, ["--", .. InitRun.Probe("ignore-term")]);
        Assert.Equal(124, run.WaitForExit());
        Assert.Contains("timed out after 200ms: sending SIGTERM, SIGKILL in 300ms", run.Stderr);
        Assert.Contains("has not exited after a terminating signal: sending SIGKILL", run.Stderr);
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void KillAfterKillsAMainChildThatIgnoresSigterm(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, ["--kill-after", "300ms", "--", .. InitRun.Probe("ignore-term")]);
        run.WaitForReady();
        run.Signal(Native.SIGTERM);
        Assert.Equal(128 + Native.SIGKILL, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void WithoutKillAfterAChildThatIgnoresSigtermKeepsRunning()
    {
        // The negative control: SIGKILL comes from --kill-after, not from the forwarding itself.
        using var run = InitRun.Start(output, InitMode.Subreaper, ["--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        run.Signal(Native.SIGTERM);
        run.WaitForLine($"got {Native.SIGTERM}");
        run.Signal(Native.SIGUSR1);
        run.WaitForLine($"got {Native.SIGUSR1}");
        Assert.False(run.HasExited);
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }
}
