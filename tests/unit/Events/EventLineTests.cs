using System.Text;
using TinyInit.Control;
using TinyInit.Events;

namespace TinyInit.UnitTests.Events;

/// <summary>
/// The exact bytes of every kind of event line, as --events and the control socket's followers get
/// them (README, "Events"): names, order, left-out fields, numbers and escaping are the interface.
/// </summary>
public sealed class EventLineTests
{
    /// <summary>A quote, a backslash, HTML-sensitive characters, a control character and non-ASCII: all escaped.</summary>
    private const string Odd = "a\"b\\c<&>'+\u0001é☃";
    private const string OddEscaped = @"a\u0022b\\c\u003C\u0026\u003E\u0027\u002B\u0001\u00E9\u2603";

    public static TheoryData<string, string> Lines => new()
    {
        { "spawn main", """{"event":"spawn","time_ns":123456789012,"pid":42,"role":"main","command":"sleep"}""" },
        { "spawn service", """{"event":"spawn","time_ns":1,"pid":7,"role":"service","service":"web"}""" },
        { "signal", """{"event":"signal","time_ns":5,"pid":42,"signal":"SIGTERM","forwarded":"SIGUSR1"}""" },
        { "signal dropped", """{"event":"signal","time_ns":5,"signal":"SIGUSR2","forwarded":"none"}""" },
        { "exit killed", """{"event":"exit","time_ns":9,"pid":42,"role":"main","command":"sleep","exit_code":134,"signal":"SIGABRT","core_dumped":true}""" },
        { "exit orphan", """{"event":"exit","time_ns":-3,"pid":2147483647,"role":"orphan","exit_code":255,"core_dumped":false}""" },
        { "exit check", """{"event":"exit","time_ns":9,"pid":8,"role":"check","service":"db","exit_code":1,"core_dumped":false}""" },
        { "timeout", """{"event":"timeout","time_ns":9,"pid":42,"command":"sleep","delay_ms":1000}""" },
        { "ready", """{"event":"ready","time_ns":9,"pid":7,"role":"service","service":"web","since_spawn_ms":250}""" },
        { "restart", """{"event":"restart","time_ns":9,"service":"web","delay_ms":9223372036854775807}""" },
        { "odd command", $$"""{"event":"spawn","time_ns":1,"pid":3,"role":"main","command":"{{OddEscaped}}"}""" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void An_event_line_is_exactly_the_documented_json(string which, string expected)
    {
        using var lines = new EventLines(new EventFanout<InitEvent>());

        string line = Encoding.UTF8.GetString(lines.For(Event(which)));

        Assert.Equal(expected + "\n", line);
    }

    [Fact]
    public void The_shutdown_line_has_the_exit_code_and_the_drops()
    {
        using var lines = new EventLines(new EventFanout<InitEvent>());

        Assert.Equal("""{"event":"shutdown","time_ns":77,"exit_code":143,"dropped":0}""" + "\n", Encoding.UTF8.GetString(lines.Shutdown(143, 77, 0)));
    }

    [Fact]
    public void The_dropped_line_counts_the_lost_events()
    {
        using var lines = new EventLines(new EventFanout<InitEvent>());

        string line = Encoding.UTF8.GetString(lines.Dropped(12));

        Assert.Matches("""^\{"event":"dropped","time_ns":[0-9]+,"count":12\}\n$""", line);
    }

    private static InitEvent Event(string which) => which switch
    {
        "spawn main" => new(InitEventKind.Spawn, 123456789012, 42, "sleep", ChildRole.Main),
        "spawn service" => new(InitEventKind.Spawn, 1, 7, "web", ChildRole.Service),
        "signal" => new(InitEventKind.Signal, 5, 42, Signal: 15, Forwarded: 10),
        "signal dropped" => new(InitEventKind.Signal, 5, 0, Signal: 12, Forwarded: 0),
        "exit killed" => new(InitEventKind.Exit, 9, Exit: new ExitEvent(42, 0, 6, true, "sleep", ChildRole.Main, 9)),
        "exit orphan" => new(InitEventKind.Exit, -3, Exit: new ExitEvent(int.MaxValue, 255, 0, false, null, ChildRole.Orphan, -3)),
        "exit check" => new(InitEventKind.Exit, 9, Exit: new ExitEvent(8, 1, 0, false, "db", ChildRole.ReadinessCheck, 9)),
        "timeout" => new(InitEventKind.Timeout, 9, 42, "sleep", Signal: 1000),
        "ready" => new(InitEventKind.Ready, 9, 7, "web", ChildRole.Service, Signal: 250),
        "restart" => new(InitEventKind.Restart, 9, Name: "web", Signal: long.MaxValue),
        "odd command" => new(InitEventKind.Spawn, 1, 3, Odd, ChildRole.Main),
        _ => throw new ArgumentException(which),
    };
}
