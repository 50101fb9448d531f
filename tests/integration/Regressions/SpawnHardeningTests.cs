using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>
/// Spawning as execvp(3) and the peers do it: a file the kernel cannot execute runs through
/// /bin/sh; a spawn that fails for want of processes is a resource failure, not "cannot execute";
/// under a session leader (runc) the child gets a process group the stop signals can reach.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SpawnHardeningTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyinit-spawn-").FullName;

    public static TheoryData<InitMode> Modes() => new(InitMode.Pid1, InitMode.Subreaper);

    [Theory]
    [MemberData(nameof(Modes))]
    public void AScriptWithoutAShebangRunsThroughTheShell(InitMode mode)
    {
        string script = Script("noshebang", "echo \"script $0 $*\"\nexit 7\n");
        using var run = InitRun.Start(output, mode, "--", script, "a", "b c");
        Assert.Equal(7, run.WaitForExit());
        Assert.Contains($"script {script} a b c", run.Lines);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void AScriptFoundInPathRunsThroughTheShellUnderItsFullName(InitMode mode)
    {
        string script = Script("found-in-path", "echo \"script $0 $*\"\nexit 5\n");
        var environment = new Dictionary<string, string?> { ["PATH"] = $"/nonexistent:{_dir}:{Environment.GetEnvironmentVariable("PATH")}" };
        using var run = InitRun.Start(output, mode, environment, "--", "found-in-path", "x");
        Assert.Equal(5, run.WaitForExit());
        Assert.Contains($"script {script} x", run.Lines);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void AnEmptyExecutableFileSucceeds(InitMode mode)
    {
        string empty = Script("empty", "");
        using var run = InitRun.Start(output, mode, "--", empty);
        Assert.Equal(0, run.WaitForExit());
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void AServiceThatIsAScriptWithoutAShebangRuns()
    {
        // Services run as /bin/sh -c COMMAND, and the shell falls back by itself: a guard, not a fix.
        string script = Script("service-noshebang", "echo service ran\n");
        using var run = InitRun.Start(output, InitMode.Subreaper, ["--service", $"a={script}", "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        run.WaitForLine("service ran");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void AScriptWithoutAShebangAndNoUsableShellIs126WithALineThatSaysWhy(InitMode mode)
    {
        // /dev/null over /bin/sh, in a mount namespace of the test's own: execve of it says EACCES.
        string script = Script("no-shell", "exit 0\n");
        string[] hideShell = ["sh", "-c", "mount --bind /dev/null /bin/sh && exec \"$0\" \"$@\""];
        string[] wrapper = mode == InitMode.Pid1 ? Wrappers.InNamespace(hideShell) : ["unshare", "--mount", .. hideShell];
        using var run = InitRun.StartWrapped(output, Wrappers.HarnessMode(mode), wrapper, "--", script);
        Assert.Equal(126, run.WaitForExit());
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains($"cannot run '{script}'", lines[0]);
        Assert.Contains("/bin/sh", lines[0]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void SpawnFailingForWantOfProcessesIsAResourceFailure(InitMode mode)
    {
        // RLIMIT_NPROC of 2: the runtime's two threads fit, the child does not (EAGAIN from clone).
        string[] wrapper = Wrappers.For(mode, Wrappers.AsFreshUserWithProcessLimit(2));
        using var run = InitRun.StartWrapped(output, Wrappers.HarnessMode(mode), wrapper, ["--", .. InitRun.Probe("exit", "3")]);
        Assert.Equal(125, run.WaitForExit());
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("no room for another process", lines[0]);
        Assert.Contains("RLIMIT_NPROC", lines[0]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void UnderASessionLeaderStopSignalsStopTheChild(InitMode mode)
    {
        // runc starts PID 1 as a session leader; a child left in its group would be in an orphaned
        // process group, where the kernel discards a stop signal with the default action.
        string[] wrapper = Wrappers.For(mode, "setsid");
        using var run = InitRun.StartWrapped(output, Wrappers.HarnessMode(mode), wrapper, "--", "sh", "-c", "echo ready; exec sleep 1000");
        run.WaitForLine("ready");
        int init = Wrappers.FindInit(run);
        int child = 0;
        run.WaitUntil(() => (child = ProcTable.Snapshot().FirstOrDefault(e => e.ParentPid == init && e.Comm == "sleep").Pid) != 0, "the child to exec sleep");
        Assert.Equal(init, Wrappers.SessionOf(init));

        foreach (int stop in new[] { Native.SIGTSTP, Native.SIGTTIN, Native.SIGTTOU })
        {
            Assert.Equal(0, Native.kill(init, stop));
            run.WaitUntil(() => ProcTable.TryRead(child)?.State == 'T', $"the child to stop on {stop}");
            Assert.NotEqual('T', ProcTable.TryRead(init)?.State);
            Assert.Equal(0, Native.kill(init, Native.SIGCONT));
            run.WaitUntil(() => ProcTable.TryRead(child)?.State is 'S' or 'R', "the child to continue");
        }

        Assert.Equal(0, Native.kill(init, Native.SIGTERM));
        Assert.Equal(128 + Native.SIGTERM, run.WaitForExit());
    }

    private string Script(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
