using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>
/// Issue 9, "processes that are not tinyinit's": the cleanup must never signal a process that
/// tinyinit cannot prove is its own. A /proc that belongs to another PID namespace is never walked,
/// a missing /proc never yields an empty list of leftovers, and in subreaper mode descendants are
/// signalled through pidfds, never by a pid that may have been reused.
/// </summary>
public sealed partial class CleanupSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public void WithTheParentNamespacesProcCleanupSignalsNoProcessItDidNotStart()
    {
        // tinyinit -s runs in a new PID namespace whose /proc is still the host's, at the pid (in
        // its namespace) that a host process H has on the host. Walking that /proc for its own
        // children, tinyinit finds H's child C, and C's host pid then names, in tinyinit's
        // namespace, a sibling that helpers/placepids.py started there: a process tinyinit never
        // started, which writes a file if it gets SIGTERM.
        string hostChildFile = TempPath("host-child"), siblingFile = TempPath("sibling");
        try
        {
            using var host = HostParent.Start(hostChildFile);
            string[] foreignProc = ["unshare", "--pid", "--fork", "--kill-child",
                Paths.Python, Paths.Helper("placepids.py"), Paths.Probe, host.ChildPid.ToString(), siblingFile, host.Pid.ToString(), "--"];
            using var run = InitRun.StartWrapped(output, InitMode.Subreaper, foreignProc,
                ["--grace", "1s", "--service", "idle=exec sleep 1000", "--", .. InitRun.Probe("exit-at-eof", "3")]);
            run.WaitForLine("placed command");
            run.WaitUntil(() => run.DescendantNamed("sleep") != 0, "the service to start");

            run.CloseStdin();
            Assert.Equal(3, run.WaitForExit());
            Assert.False(File.Exists(siblingFile),
                $"tinyinit sent SIGTERM to pid {host.ChildPid} of its namespace, a process it never started: it took the host's /proc for its own");
            Assert.Equal("sibling alive", run.Lines.Last());
            Assert.True(ProcTable.TryRead(host.ChildPid) is { State: not 'Z' } && !File.Exists(hostChildFile), "the host process C was signalled");
            AssertOneLineOnWhatCleanupCannotDo(run.Stderr);
        }
        finally
        {
            File.Delete(hostChildFile);
            File.Delete(siblingFile);
        }
    }

    [Fact]
    public void WithoutProcNoEmptyListOfLeftoversIsPrinted()
    {
        // /proc is unmounted in tinyinit's mount namespace. The main child leaves a process behind
        // that only a walk of /proc could find (its output elsewhere, so that the test's pipes close
        // when tinyinit exits).
        string[] noProc = ["unshare", "--mount", "sh", "-c", "umount -l /proc && exec \"$0\" \"$@\""];
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, noProc,
            "--grace", "500ms", "--", "sh", "-c", "sleep 1000 >/dev/null 2>&1 & exec \"$0\" exit-at-eof 3", Paths.Probe);
        run.WaitUntil(() => run.DescendantNamed("sleep") != 0, "the leftover to start");

        run.CloseStdin();
        Assert.Equal(3, run.WaitForExit(TimeSpan.FromSeconds(15)));
        string[] empty = run.Stderr.Split('\n').Where(l => l.Contains("still running", StringComparison.Ordinal) && EmptyList().IsMatch(l)).ToArray();
        Assert.True(empty.Length == 0, "an empty list of leftovers: " + string.Join('\n', empty));
        AssertOneLineOnWhatCleanupCannotDo(run.Stderr);
    }

    [Fact]
    public void InSubreaperModeDescendantsAreSignalledOnlyThroughPidfds()
    {
        // A pid read from /proc and later passed to kill() may by then name another process. Once the
        // main child has exited, tinyinit has a child (a shell) and a grandchild (which writes a file
        // when it gets SIGTERM) to clean up: no kill() of a positive pid may reach either.
        string trace = TempPath("strace"), termed = TempPath("termed");
        try
        {
            string[] strace = ["strace", "-f", "-qq", "-e", "trace=kill,pidfd_send_signal", "-o", trace];
            using var run = InitRun.StartWrapped(output, InitMode.Subreaper, strace,
                "--", "sh", "-c", "sh -c '\"$0\" trap-term 0 \"$1\" & wait' \"$0\" \"$1\" & exec \"$0\" exit-at-eof 3", Paths.Probe, termed);
            run.WaitForReady();

            run.CloseStdin();
            Assert.Equal(3, run.WaitForExit());
            Assert.True(File.Exists(termed), "the grandchild never got SIGTERM: the test proves nothing");
            string[] byPid = File.ReadAllLines(trace).Where(l => KillOfAPositivePid().IsMatch(l)).ToArray();
            Assert.True(byPid.Length == 0, "signalled by pid, not through a pidfd:\n" + string.Join('\n', byPid));
        }
        finally
        {
            File.Delete(trace);
            File.Delete(termed);
        }
    }

    /// <summary>Says once what cleanup cannot do without this namespace's /proc.</summary>
    private static void AssertOneLineOnWhatCleanupCannotDo(string stderr)
    {
        string[] lines = stderr.Split('\n').Where(l => l.Contains("/proc", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, $"{lines.Length} lines on stderr name /proc; one must say what cleanup cannot do without it:\n{stderr}");
    }

    /// <summary>"still running ...: ;" or a line that ends after the colon.</summary>
    [GeneratedRegex(@":\s*(;|$)")]
    private static partial Regex EmptyList();

    /// <summary>An strace line of kill() with a positive pid (kill(-1) and kill(-pgid) are not by pid).</summary>
    [GeneratedRegex(@"\bkill\([1-9][0-9]*,")]
    private static partial Regex KillOfAPositivePid();

    private static string TempPath(string what) => Path.Combine(Path.GetTempPath(), $"tinyinit-{what}-{Guid.NewGuid():N}");

    /// <summary>A host process H (sh) with one child C (tinyprobe trap-term, which writes a file if it gets SIGTERM).</summary>
    private sealed class HostParent : IDisposable
    {
        private readonly Process _shell;

        private HostParent(Process shell, int childPid)
        {
            _shell = shell;
            ChildPid = childPid;
        }

        public int Pid => _shell.Id;

        public int ChildPid { get; }

        public static HostParent Start(string childFile)
        {
            var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in new[] { "-c", "\"$0\" trap-term 0 \"$1\" & wait", Paths.Probe, childFile })
                start.ArgumentList.Add(arg);
            Process shell = Process.Start(start) ?? throw new InvalidOperationException("could not start sh");
            Task<string?> ready = shell.StandardOutput.ReadLineAsync();
            string? line = ready.Wait(Poll.DefaultDeadline) ? ready.Result : null;
            if (line is null || !line.StartsWith("ready ", StringComparison.Ordinal))
            {
                shell.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException("the host process's child did not get ready");
            }

            return new HostParent(shell, int.Parse(line[6..]));
        }

        public void Dispose()
        {
            Native.kill(ChildPid, Native.SIGKILL);
            _shell.Kill(entireProcessTree: true);
            _shell.WaitForExit();
            _shell.Dispose();
        }
    }
}
