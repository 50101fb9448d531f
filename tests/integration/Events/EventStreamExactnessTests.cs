using System.Text.Json;
using System.Text.RegularExpressions;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Events;

/// <summary>
/// Issue 10, "the event stream loses or corrupts lines": whatever the target, a line is either
/// wholly in the stream or counted in <c>dropped</c>, exactly; a regular file never drops; no line
/// is torn; a socket never gets an empty message, and gets its shutdown line even when its buffer
/// was full.
/// </summary>
public sealed partial class EventStreamExactnessTests(ITestOutputHelper output)
{
    private const int Burst = 5000;

    /// <summary>Enough signal lines (about 100 bytes each) to fill a terminal's buffer (about 20 KB here) several times over.</summary>
    private const int SignalsForTerminal = 1000;

    /// <summary>Enough signal lines to fill a socket with a 4 KiB send buffer several times over.</summary>
    private const int SignalsForSocket = 300;

    private static readonly int EventSignal = Native.SIGRTMIN + 1;

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AFileGetsASignalLineForEverySignalOfABurst(InitMode mode)
    {
        string file = TempPath("events");
        try
        {
            using var run = InitRun.Start(output, mode, ["--events", file, "--", .. InitRun.Probe("signals")]);
            run.WaitForReady();

            // A burst: every signal is queued while tinyinit is stopped, and all are there when it goes on.
            Assert.Equal(0, Native.kill(run.InitPid, Native.SIGSTOP));
            run.WaitUntil(() => ProcTable.TryRead(run.InitPid) is { State: 'T' }, "tinyinit to stop");
            SendSignalsAndEnd(run, Burst, () => Assert.Equal(0, Native.kill(run.InitPid, Native.SIGCONT)));

            List<JsonElement> events = ParseWholeLines(File.ReadAllText(file));
            JsonElement shutdown = events[^1];
            Assert.True(Is(shutdown, "shutdown"), "the last line must be the shutdown line");
            Assert.Equal(0, shutdown.GetProperty("dropped").GetInt64());
            Assert.Equal(Burst, events.Count(e => Is(e, "signal") && e.GetProperty("signal").GetString() == "SIGRTMIN+1"));
            Assert.Equal(Burst, events.Count(e => Is(e, "signal") && e.GetProperty("forwarded").GetString() == "SIGRTMIN+1"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void ATerminalReadOnlyAtTheEndGetsWholeLinesAndAnExactCount(InitMode mode)
    {
        // Nothing reads the terminal until the child has got every signal (the terminal is then
        // long full), then helpers/ptyreader.py reads everything while tinyinit runs on: a line
        // written in part when the terminal filled up must be finished before the next one.
        string file = TempPath("pty");
        try
        {
            string[] terminal = [Paths.Python, Paths.Helper("ptyreader.py"), file, "--"];
            using var run = InitRun.StartWrapped(output, mode, terminal, ["--events", "fd:3", "--", .. InitRun.Probe("signals")]);
            run.WaitForReady();
            SendSignalsAndEnd(run, SignalsForTerminal, () => { }, () => Assert.Equal(0, Native.kill(run.OuterPid, Native.SIGUSR1)));

            List<JsonElement> events = ParseWholeLines(File.ReadAllText(file));
            AssertExactCount(events, Produced(SignalsForTerminal), run.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("seqpacket", InitMode.Pid1)]
    [InlineData("seqpacket", InitMode.Subreaper)]
    [InlineData("dgram", InitMode.Pid1)]
    [InlineData("dgram", InitMode.Subreaper)]
    public void AMessageSocketReadAsItGoesGetsNoEmptyMessageAndAShutdownLine(string type, InitMode mode)
    {
        SocketReading reading = RunWithSocket(type, "live", mode);
        Assert.True(reading.Empty == 0, $"{reading.Empty} empty messages of {reading.Messages}: a {type} reader takes an empty message for the end of the stream");
        AssertExactCount(ParseWholeLines(reading.Data), Produced(SignalsForSocket), reading.Stderr);
    }

    [Theory]
    [InlineData("stream", InitMode.Pid1)]
    [InlineData("stream", InitMode.Subreaper)]
    [InlineData("seqpacket", InitMode.Pid1)]
    [InlineData("seqpacket", InitMode.Subreaper)]
    public void ASocketWhoseBufferIsFullStillGetsTheShutdownLineAndAnExactCount(string type, InitMode mode)
    {
        SocketReading reading = RunWithSocket(type, "end", mode);
        Assert.True(reading.Empty == 0, $"{reading.Empty} empty messages of {reading.Messages}");
        AssertExactCount(ParseWholeLines(reading.Data), Produced(SignalsForSocket), reading.Stderr);
    }

    /// <summary>
    /// Sends count real-time signals to tinyinit (queued one for one, so each is one signal line),
    /// calls afterSending, waits until the child (tinyprobe signals) has got them all, calls
    /// beforeEnd, and ends the child.
    /// </summary>
    private static void SendSignalsAndEnd(InitRun run, int count, Action afterSending, Action? beforeEnd = null)
    {
        for (int i = 0; i < count; i++)
            Assert.Equal(0, Native.kill(run.InitPid, EventSignal));
        afterSending();
        run.WaitUntil(() => run.Lines.Count(l => l == $"got {EventSignal}") == count, $"the child to get all {count} signals");
        beforeEnd?.Invoke();
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    /// <summary>Events a run of <c>tinyprobe signals</c> that got count signals produces: its spawn, a line per signal, its exit.</summary>
    private static int Produced(int signals) => 1 + signals + 1;

    private sealed record SocketReading(int Messages, int Empty, string Data, string Stderr);

    /// <summary>Runs tinyprobe signals with --events fd:3 on a socket (helpers/socketreader.py), sends it signals and returns what the reader got.</summary>
    private SocketReading RunWithSocket(string type, string when, InitMode mode)
    {
        string file = TempPath("socket");
        try
        {
            string[] socket = [Paths.Python, Paths.Helper("socketreader.py"), type, when, file, "--"];
            using var run = InitRun.StartWrapped(output, mode, socket, ["--events", "fd:3", "--", .. InitRun.Probe("signals")]);
            run.WaitForReady();
            SendSignalsAndEnd(run, SignalsForSocket, () => { });

            using JsonDocument result = JsonDocument.Parse(File.ReadAllText(file));
            JsonElement root = result.RootElement;
            return new SocketReading(root.GetProperty("messages").GetInt32(), root.GetProperty("empty").GetInt32(), root.GetProperty("data").GetString()!, run.Stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Every line is one JSON event, and the text ends with a newline: a torn line, or a shutdown
    /// line glued to part of another, fails here.
    /// </summary>
    private static List<JsonElement> ParseWholeLines(string text)
    {
        Assert.True(text.Length == 0 || text.EndsWith('\n'), $"the stream ends in the middle of a line: ...{Tail(text)}");
        var events = new List<JsonElement>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length - 1; i++)
        {
            try
            {
                JsonElement e = JsonDocument.Parse(lines[i]).RootElement;
                _ = e.GetProperty("event").GetString();
                events.Add(e);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                Assert.Fail($"line {i + 1} of {lines.Length - 1} is not one JSON event: {lines[i]}");
            }
        }

        return events;
    }

    /// <summary>
    /// The stream ends with its one shutdown line, and each event produced was written or counted
    /// in that line's <c>dropped</c>, exactly once; a warning on stderr, if any, gives the same count.
    /// </summary>
    private static void AssertExactCount(List<JsonElement> events, int produced, string stderr)
    {
        int shutdowns = events.Count(e => Is(e, "shutdown"));
        Assert.True(shutdowns == 1 && Is(events[^1], "shutdown"), $"{shutdowns} shutdown lines in {events.Count} lines; it must be the last line, once; stderr:\n{stderr}");

        long dropped = events[^1].GetProperty("dropped").GetInt64();
        Match warning = DroppedWarning().Match(stderr);
        if (warning.Success)
            Assert.True(long.Parse(warning.Groups[1].Value) == dropped, $"the shutdown line says {dropped} dropped, stderr says: {warning.Value}");

        int written = events.Count - 1;
        Assert.True(written + dropped == produced, $"{written} lines written + {dropped} dropped, but {produced} events were produced");
    }

    [GeneratedRegex(@"(\d+) events? dropped")]
    private static partial Regex DroppedWarning();

    private static bool Is(JsonElement e, string kind) => e.GetProperty("event").GetString() == kind;

    private static string Tail(string text) => text.Length <= 200 ? text : text[^200..];

    private static string TempPath(string what) => Path.Combine(Path.GetTempPath(), $"tinyinit-{what}-{Guid.NewGuid():N}");
}
