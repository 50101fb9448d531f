using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Shutdown;

/// <summary>
/// When the main child exits, what is left gets SIGTERM and the grace period, then SIGKILL,
/// and is reaped before tinyinit exits with the main child's code.
/// </summary>
public sealed class CleanupTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void ALeftoverThatNeedsOneSecondToCleanUpFinishesWithinTheGrace(InitMode mode)
    {
        string done = TempFile();
        using var run = InitRun.Start(output, mode, ["--grace", "5s", "--", .. InitRun.Probe("spawn-leftover", "trap-term", "1", done)]);
        Assert.Equal(0, run.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Matches(@"^leftover \d+$", run.Lines.Single());
        Assert.True(File.Exists(done), "the leftover did not finish its cleanup before tinyinit exited\n" + run.Stderr);
        Assert.DoesNotContain("SIGKILL", run.Stderr);
        run.AssertNothingLeftRunning();
        File.Delete(done);
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void ALeftoverThatIgnoresSigtermIsKilledAfterTheGraceAndTheExitCodeIsTheMainChilds(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, ["--grace", "500ms", "--", "sh", "-c", "\"$0\" spawn-leftover ignore-term; exit 7", Paths.Probe]);
        Assert.Equal(7, run.WaitForExit());
        Assert.Contains("grace period of 500ms is over: sending SIGKILL", run.Stderr);
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1, "--grace", "0")]
    [InlineData(InitMode.Subreaper, "--grace", "0s")]
    [InlineData(InitMode.Subreaper, "TINYINIT_GRACE", "0")]
    public void GraceZeroKillsAtOnce(InitMode mode, string how, string value)
    {
        string done = TempFile();
        var env = new Dictionary<string, string?>();
        List<string> args = [];
        if (how.StartsWith("--", StringComparison.Ordinal))
            args.AddRange([how, value]);
        else
            env[how] = value;
        using var run = InitRun.Start(output, mode, env, [.. args, "--", .. InitRun.Probe("spawn-leftover", "trap-term", "1", done)]);
        Assert.Equal(0, run.WaitForExit());
        Assert.False(File.Exists(done), "with no grace the leftover must not get to clean up");
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void NoCleanupExitsAtOnceAndLeavesTheRestAsTiniDoes()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, ["--no-cleanup", "--", .. InitRun.Probe("spawn-leftover", "ignore-term")]);
        Assert.Equal(0, run.WaitForExit());
        int leftover = int.Parse(run.Lines.Single().Split(' ')[1]);
        Assert.True(ProcTable.TryRead(leftover) is { State: not 'Z' }, "the leftover should still be running");
    }

    private static string TempFile() => Path.Combine(Path.GetTempPath(), "tinyinit-cleanup-" + Guid.NewGuid().ToString("N"));
}
