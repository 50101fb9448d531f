using System.Text;
using TinyInit.Control;

namespace TinyInit.UnitTests.Control;

/// <summary>
/// The exact bytes of the control socket's answer and status lines (README, "Control"): names,
/// order, left-out fields, numbers and escaping are the interface that scripts parse.
/// </summary>
public sealed class ControlLineTests
{
    [Fact]
    public void A_full_status_line_has_every_field_in_the_documented_order()
    {
        var record = new StatusRecord
        {
            Name = "web", Role = "service", Command = "nginx", Pid = 42, State = "waiting", Restarts = 3,
            LastExitCode = 137, LastSignal = "SIGKILL", SinceNs = 123456789012345, ForMs = 1500, RestartInMs = long.MaxValue,
        };

        Assert.Equal(
            """{"name":"web","role":"service","command":"nginx","pid":42,"state":"waiting","restarts":3,"last_exit_code":137,"last_signal":"SIGKILL","since_ns":123456789012345,"for_ms":1500,"restart_in_ms":9223372036854775807}""" + "\n",
            Line(record));
    }

    [Fact]
    public void A_status_line_leaves_out_what_does_not_apply_but_always_has_restarts()
    {
        var record = new StatusRecord { Name = "main", Role = "main", State = "exited", LastExitCode = -1 };

        Assert.Equal("""{"name":"main","role":"main","state":"exited","restarts":0,"last_exit_code":-1}""" + "\n", Line(record));
    }

    [Fact]
    public void A_status_line_escapes_a_command_as_the_event_lines_do()
    {
        var record = new StatusRecord { Name = "x", Role = "main", Command = "/opt/a\"b\\c/é☃ <x>", State = "running" };

        Assert.Equal(
            """{"name":"x","role":"main","command":"/opt/a\u0022b\\c/\u00E9\u2603 \u003Cx\u003E","state":"running","restarts":0}""" + "\n",
            Line(record));
    }

    [Fact]
    public void A_refusal_is_ok_false_and_the_error()
    {
        using var commands = new ControlCommands(null, null, null);

        Assert.Equal("""{"ok":false,"error":"no \u0022x\u0022 \\ \u00E9"}""" + "\n", Encoding.UTF8.GetString(commands.Refusal("no \"x\" \\ é")));
    }

    [Fact]
    public void The_answers_without_a_message_are_ok_true_alone()
    {
        using var commands = new ControlCommands(null, null, null);

        Assert.Equal("""{"ok":true}""" + "\n", Encoding.UTF8.GetString(commands.Execute("events"u8, default).Answer));
        Assert.Equal("""{"ok":true}""" + "\n", Encoding.UTF8.GetString(commands.Execute("status"u8, default).Answer));
    }

    [Fact]
    public void A_failed_action_carries_its_reason_as_the_error()
    {
        using var commands = new ControlCommands(null, null, null);

        Assert.Equal(
            """{"ok":false,"error":"no service \u0027web\u0027: tinyinit runs no services"}""" + "\n",
            Encoding.UTF8.GetString(commands.Execute("restart web"u8, default).Answer));
    }

    private static string Line(StatusRecord record)
    {
        using var lines = new JsonLines();
        lines.Add(record);
        return Encoding.UTF8.GetString(lines.Written);
    }
}
