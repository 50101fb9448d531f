using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>
/// What tinyinit was started with: the signals it was started ignoring reach the child ignored,
/// even those the .NET runtime catches; only the descriptors it inherited can carry the event
/// stream; and a runtime that cannot start says so instead of exiting 255 in silence.
/// </summary>
public sealed class StartupHardeningTests(ITestOutputHelper output)
{
    public static TheoryData<InitMode> Modes() => new(InitMode.Pid1, InitMode.Subreaper);

    /// <summary>SIGFPE, SIGSEGV and 34, which the runtime catches, and SIGBUS, SIGUSR1 and 40, which it does not.</summary>
    private const ulong IgnoredAtStart = 1UL << (8 - 1) | 1UL << (11 - 1) | 1UL << (34 - 1) | 1UL << (7 - 1) | 1UL << (10 - 1) | 1UL << (40 - 1);

    [Theory]
    [MemberData(nameof(Modes))]
    public void SignalsIgnoredAtStartReachTheChildIgnored(InitMode mode)
    {
        string[] wrapper = InitRun.Probe("with-state", "0", IgnoredAtStart.ToString("x"), "--");
        using var run = InitRun.StartWrapped(output, mode, wrapper, ["--", .. InitRun.Probe("status")]);
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains($"SigIgn:\t{IgnoredAtStart:x16}", run.Lines);
    }

    [Fact]
    public void SignalsIgnoredAtStartReachAServiceIgnored()
    {
        string[] wrapper = InitRun.Probe("with-state", "0", IgnoredAtStart.ToString("x"), "--");
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, wrapper,
            ["--service", $"status=exec {Paths.Probe} status", "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        run.WaitForLine(line => line.StartsWith("SigIgn:", StringComparison.Ordinal));
        Assert.Contains($"SigIgn:\t{IgnoredAtStart:x16}", run.Lines);
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    public static TheoryData<InitMode, string> OwnDescriptors() => new()
    {
        { InitMode.Pid1, "fd:4" }, { InitMode.Pid1, "fd:5" }, { InitMode.Pid1, "fd:3" },
        { InitMode.Subreaper, "fd:4" }, { InitMode.Subreaper, "fd:5" }, { InitMode.Subreaper, "fd:3" },
    };

    [Theory]
    [MemberData(nameof(OwnDescriptors))]
    public void AnEventFdTinyinitDidNotInheritIsAUsageError(InitMode mode, string target)
    {
        // The test host starts tinyinit with 0-2 only: 3 and up are the runtime's and tinyinit's own.
        using var run = InitRun.Start(output, mode, "--events", target, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains($"--events '{target}': fd {target[3..]} was not open when tinyinit started", lines[0]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void AnInheritedEventFdIsStillTaken(InitMode mode)
    {
        string events = Path.Combine(Path.GetTempPath(), "tinyinit-events-" + Guid.NewGuid().ToString("N"));
        try
        {
            string[] openFd = ["sh", "-c", $"exec \"$0\" \"$@\" 5>>{events}"];
            using var run = InitRun.StartWrapped(output, mode, openFd, "--events", "fd:5", "--", "true");
            Assert.Equal(0, run.WaitForExit());
            Assert.Contains("\"shutdown\"", File.ReadAllText(events));
        }
        finally
        {
            File.Delete(events);
        }
    }

    public static TheoryData<InitMode, string> StartFailures() => new()
    {
        { InitMode.Pid1, "--as=20000000" }, { InitMode.Subreaper, "--as=20000000" },
        { InitMode.Pid1, "nproc" }, { InitMode.Subreaper, "nproc" },
    };

    [Theory]
    [MemberData(nameof(StartFailures))]
    public void ARuntimeThatCannotStartSaysSo(InitMode mode, string limit)
    {
        // Too little address space for the GC's reservation, or no room for the runtime's second thread.
        string[] inner = limit == "nproc" ? Wrappers.AsFreshUserWithProcessLimit(1) : ["prlimit", limit];
        using var run = InitRun.StartWrapped(output, Wrappers.HarnessMode(mode), Wrappers.For(mode, inner), "--", "true");
        Assert.Equal(255, run.WaitForExit());
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("[tinyinit] ERROR the .NET runtime could not start", lines[0]);
        Assert.Contains(limit == "nproc" ? "RLIMIT_NPROC 1" : "RLIMIT_AS 20000000", lines[0]);
    }
}
