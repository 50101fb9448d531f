using System.Diagnostics;
using System.Text;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Core;

/// <summary>
/// The child gets what it would get without tinyinit: signal mask, ignored signals, file
/// descriptors, argv and environment; stdin and stdout pass straight through.
/// </summary>
public sealed class InheritanceTests(ITestOutputHelper output)
{
    // Blocked at start: SIGUSR2 and SIGRTMIN+5. Ignored at start: SIGHUP and SIGUSR1.
    // SIGPIPE is not ignored at start, so the child must not inherit the runtime's SIG_IGN.
    private const string StartMask = "4000000800";
    private const string StartIgnored = "201";

    private static readonly string[] OddArguments =
        ["a b", "'single'", "\"double\"", "ünïcødé 😀", "", "-v", "--", "$HOME", "tab\there"];

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void ChildStateIsWhatItWouldBeWithoutTinyinit(InitMode mode)
    {
        string[] wrapper = InitRun.Probe("with-state", StartMask, StartIgnored, "--");
        List<string> direct = RunDirect([.. wrapper, .. InitRun.Probe(["status", .. OddArguments])]);

        using var run = InitRun.StartWrapped(output, mode, wrapper, ["--", .. InitRun.Probe(["status", .. OddArguments])]);
        Assert.Equal(0, run.WaitForExit());
        List<string> viaInit = Comparable(run.Lines);

        Assert.Contains("SigBlk:\t0000004000000800", direct);
        Assert.Contains("SigIgn:\t0000000000000201", direct);
        Assert.Contains(direct, l => l.StartsWith("fd 7 ", StringComparison.Ordinal));
        Assert.Equal(direct, viaInit);
    }

    [Fact]
    public void ArgvPassesThroughByteForByteEvenWithoutDoubleDash()
    {
        // No "--": option parsing stops at the first non-option, so -v and --grace belong to the child.
        using var run = InitRun.Start(output, InitMode.Subreaper, [.. InitRun.Probe(["status", .. OddArguments, "--grace"])]);
        Assert.Equal(0, run.WaitForExit());
        string[] expected = [.. OddArguments.Append("--grace").Select(a => "arg " + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(a)))];
        Assert.Equal(expected, run.Lines.Where(l => l.StartsWith("arg ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void StdinAndStdoutPassThroughAPipe(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, ["--", "cat"]);
        var text = new StringBuilder();
        for (int i = 0; i < 2000; i++)
            text.Append("line ").Append(i).Append(" ünï\n");
        run.WriteStdin(text.ToString());
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.Equal(Encoding.UTF8.GetBytes(text.ToString()), run.StdoutBytes);
    }

    /// <summary>Runs a command without tinyinit and returns its stdout lines, as comparable as a run through tinyinit.</summary>
    private static List<string> RunDirect(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true };
        foreach (string arg in command[1..])
            start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(10_000));
        Assert.Equal(0, process.ExitCode);
        return Comparable(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Drops what differs by construction: pipe inode numbers and the harness's own marker variable.</summary>
    private static List<string> Comparable(IEnumerable<string> lines)
    {
        string marker = "env " + Convert.ToHexStringLower(Encoding.UTF8.GetBytes("TINYINIT_TEST_RUN="));
        return lines
            .Where(l => !l.StartsWith(marker, StringComparison.Ordinal))
            .Select(l => l.StartsWith("fd ", StringComparison.Ordinal) && l.Contains(":[", StringComparison.Ordinal) ? l[..l.IndexOf(":[", StringComparison.Ordinal)] : l)
            .ToList();
    }
}
