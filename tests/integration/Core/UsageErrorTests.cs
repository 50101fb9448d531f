using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Core;

/// <summary>Bad input: the documented exit code, one clear line on stderr, no stack trace, nothing left running.</summary>
public sealed class UsageErrorTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void CommandNotFoundIs127(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, "--", "no-such-command-for-tinyinit", "x");
        Assert.Equal(127, run.WaitForExit());
        AssertOneErrorLine(run, "cannot run 'no-such-command-for-tinyinit'");
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void CommandNotExecutableIs126(InitMode mode)
    {
        string file = Path.Combine(Path.GetTempPath(), "tinyinit-not-executable-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "#!/bin/sh\nexit 0\n");
        try
        {
            using var run = InitRun.Start(output, mode, "--", file);
            Assert.Equal(126, run.WaitForExit());
            AssertOneErrorLine(run, "Permission denied");
            run.AssertNothingLeftRunning();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "-s" }, "no command given")]
    [InlineData(new[] { "-s", "--" }, "no command given")]
    [InlineData(new[] { "--bogus-flag", "--", "true" }, "--bogus-flag")]
    [InlineData(new[] { "-x", "true" }, "-x")]
    [InlineData(new[] { "-p", "NOTASIGNAL", "--", "true" }, "'NOTASIGNAL' is not a signal")]
    [InlineData(new[] { "-p", "65", "--", "true" }, "'65' is not a signal")]
    [InlineData(new[] { "-e", "256", "--", "true" }, "'256' is not an exit code")]
    [InlineData(new[] { "-e", "--", "true" }, "'-e'")]
    [InlineData(new[] { "--grace", "3x", "--", "true" }, "--grace '3x' is not a duration")]
    [InlineData(new[] { "--timeout", "soon", "--", "true" }, "--timeout 'soon' is not a duration")]
    [InlineData(new[] { "--kill-after", "-1", "--", "true" }, "--kill-after '-1' is not a duration")]
    [InlineData(new[] { "--rewrite", "TERM", "--", "true" }, "is not FROM:TO")]
    [InlineData(new[] { "--rewrite", "TERM:NOPE", "--", "true" }, "'NOPE' is not a signal")]
    [InlineData(new[] { "--rewrite", "CHLD:TERM", "--", "true" }, "SIGCHLD is tinyinit's own")]
    public void UsageErrorsAre125WithOneLine(string[] args, string expected)
    {
        using var run = InitRun.Start(output, InitMode.Plain, args);
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, expected);
        Assert.Contains("tinyinit --help", run.Stderr);
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData("TINYINIT_VERBOSITY", "loud")]
    [InlineData("TINYINIT_GRACE", "a while")]
    [InlineData("TINYINIT_TIMEOUT", "10 minutes")]
    [InlineData("TINYINIT_KILL_AFTER", "x")]
    [InlineData("TINYINIT_REWRITE", "TERM")]
    public void BadEnvironmentVariablesAreUsageErrors(string name, string value)
    {
        var env = new Dictionary<string, string?> { [name] = value };
        using var run = InitRun.Start(output, InitMode.Subreaper, env, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, name == "TINYINIT_REWRITE" ? "rewrite 'TERM'" : name);
    }

    [Theory]
    [InlineData("--help", "Usage: tinyinit [options] [--] command")]
    [InlineData("-h", "--pdeathsig")]
    [InlineData("-?", "--pdeathsig")]
    [InlineData("-sh", "--pdeathsig")]
    [InlineData("-v --help", "--pdeathsig")]
    [InlineData("--version", "0.1.0")]
    [InlineData("-l", "MIT License")]
    public void InformationGoesToStdoutWithZero(string flags, string expected)
    {
        using var run = InitRun.Start(output, InitMode.Plain, flags.Split(' '));
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains(expected, string.Join('\n', run.Lines));
        Assert.Equal("", run.Stderr);
    }

    private static void AssertOneErrorLine(InitRun run, string expected)
    {
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.Contains("WARN not running as PID 1", StringComparison.Ordinal)).ToArray();
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + run.Stderr);
        Assert.StartsWith("[tinyinit] ERROR ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }
}
