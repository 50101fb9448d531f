using System.Text;
using System.Text.Json;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Events;

/// <summary>
/// The native binary's event lines, byte for byte (README, "Events"): field names and order, the
/// fields left out, and the escaping of a command with a quote, a backslash and non-ASCII in it.
/// </summary>
public sealed class EventLineBytesTests(ITestOutputHelper output)
{
    /// <summary>The main command's file name: JSON-escaped as System.Text.Json's default encoder does.</summary>
    private const string OddName = "fa\"lse\\é☃";
    private const string OddNameEscaped = @"fa\u0022lse\\\u00E9\u2603";

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void TheSpawnExitAndShutdownLinesAreExactlyTheDocumentedJson(InitMode mode)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"tinyinit-line-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string command = Path.Combine(dir, OddName);
        File.CreateSymbolicLink(command, "/bin/false");
        string file = Path.Combine(dir, "events");
        try
        {
            using var run = InitRun.Start(output, mode, ["--events", file, "--", command]);
            Assert.Equal(1, run.WaitForExit());

            string[] lines = File.ReadAllText(file, Encoding.UTF8).Split('\n');
            Assert.Equal(4, lines.Length);
            Assert.Equal("", lines[3]);
            string escaped = Path.Combine(dir, OddNameEscaped);
            long pid = Number(lines[0], "pid");
            Assert.Equal($$"""{"event":"spawn","time_ns":{{Number(lines[0], "time_ns")}},"pid":{{pid}},"role":"main","command":"{{escaped}}"}""", lines[0]);
            Assert.Equal(
                $$"""{"event":"exit","time_ns":{{Number(lines[1], "time_ns")}},"pid":{{pid}},"role":"main","command":"{{escaped}}","exit_code":1,"core_dumped":false}""",
                lines[1]);
            Assert.Equal($$"""{"event":"shutdown","time_ns":{{Number(lines[2], "time_ns")}},"exit_code":1,"dropped":0}""", lines[2]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long Number(string line, string name) => JsonDocument.Parse(line).RootElement.GetProperty(name).GetInt64();
}
