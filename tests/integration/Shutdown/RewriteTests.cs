using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Shutdown;

/// <summary>--rewrite FROM:TO forwards TO when FROM arrives; TO = 0 drops FROM.</summary>
public sealed class RewriteTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void RewriteTermToQuitDeliversQuit(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, ["--rewrite", "TERM:QUIT", "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        run.Signal(Native.SIGTERM);
        run.WaitForLine($"got {Native.SIGQUIT}");
        Assert.DoesNotContain($"got {Native.SIGTERM}", run.Lines);
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RewriteToZeroDropsTheSignal(bool fromEnvironment)
    {
        var env = new Dictionary<string, string?>();
        List<string> args = [];
        if (fromEnvironment)
            env["TINYINIT_REWRITE"] = "USR1:0, SIGUSR2:RTMIN+3";
        else
            args.AddRange(["--rewrite", "USR1:0", "--rewrite", "SIGUSR2:RTMIN+3"]);
        using var run = InitRun.Start(output, InitMode.Subreaper, env, [.. args, "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();

        // USR1 is handled before USR2 (sent first, and lower-numbered if both are pending), so had it
        // been forwarded, the child would have reported it before the rewritten USR2.
        run.Signal(Native.SIGUSR1);
        run.Signal(Native.SIGUSR2);
        run.WaitForLine($"got {Native.SIGRTMIN + 3}");
        Assert.Equal([$"got {Native.SIGRTMIN + 3}"], run.Lines.Where(l => l.StartsWith("got ", StringComparison.Ordinal)));
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }
}
