using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Readiness;

/// <summary>Mistakes in --essential, --ready and --after: 125 and one line naming the culprit, before anything runs.</summary>
public sealed class ReadinessUsageTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(new[] { "--after", "a=b", "--after", "b=a", "--", "true" }, "--after: dependency cycle: a -> b -> a")]
    [InlineData(new[] { "--after", "b=c", "--after", "c=main", "--after", "main=b", "--", "true" }, "--after: dependency cycle: b -> c -> main -> b")]
    [InlineData(new[] { "--after", "a=a", "--", "true" }, "--after: dependency cycle: a -> a")]
    [InlineData(new[] { "--after", "a=db", "--", "true" }, "--after 'a=db': no service named 'db'")]
    [InlineData(new[] { "--after", "main=a" }, "--after 'main=a': 'main' names the main command, and none was given")]
    [InlineData(new[] { "--after", "a", "--", "true" }, "--after 'a': expected NAME=DEP[,DEP...]")]
    [InlineData(new[] { "--ready", "a=ready", "--", "true" }, "--ready 'a=ready': expected notify, fd:N (N from 3 to 1023) or check:COMMAND")]
    [InlineData(new[] { "--ready", "a=fd:1", "--", "true" }, "--ready 'a=fd:1': expected notify")]
    [InlineData(new[] { "--ready", "x=notify", "--", "true" }, "--ready 'x=notify': no service named 'x'")]
    [InlineData(new[] { "--essential", "x", "--", "true" }, "essential service 'x' (--essential, TINYINIT_ESSENTIAL): no service named 'x'")]
    [InlineData(new[] { "--ready-interval", "0", "--", "true" }, "--ready-interval must be longer than 0")]
    [InlineData(new[] { "--ready-timeout", "soon", "--", "true" }, "--ready-timeout 'soon' is not a duration")]
    public void MistakesAre125WithOneLine(string[] args, string expected)
    {
        using var run = InitRun.Start(output, InitMode.Plain, ["--service", "a=sleep 1000", "--service", "b=sleep 1000", "--service", "c=sleep 1000", .. args]);
        Assert.Equal(125, run.WaitForExit());
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + run.Stderr);
        Assert.StartsWith("[tinyinit] ERROR ", lines[0]);
        Assert.Contains(expected, lines[0]);
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void AnUnknownEssentialServiceInTheEnvironmentIs125()
    {
        using var run = InitRun.Start(output, InitMode.Plain, new Dictionary<string, string?> { ["TINYINIT_ESSENTIAL"] = "a,nope" },
            "--service", "a=sleep 1000", "--", "true");
        Assert.Equal(125, run.WaitForExit());
        Assert.Contains("essential service 'nope'", run.Stderr);
    }
}
