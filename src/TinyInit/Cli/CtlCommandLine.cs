using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using TinyInit.Ctl;
using TinyInit.Diagnostics;

namespace TinyInit.Cli;

/// <summary>
/// 'tinyinit ctl [--control PATH] [--json] COMMAND', parsed with System.CommandLine. Built only when
/// argv[1] is <c>ctl</c>, so the init never pays for it. Bad usage is one line on stderr and
/// <see cref="CtlExitCode.Usage"/>; --help prints to stdout and ends in 0.
/// </summary>
internal static class CtlCommandLine
{
    private const string Hint = " (see 'tinyinit ctl --help')";

    /// <summary>The request to send, or an exit code to leave with at once.</summary>
    public readonly record struct Outcome(CtlRequest? Request, int ExitCode);

    /// <param name="args">Main's arguments, starting with <c>ctl</c>.</param>
    public static Outcome Parse(string[] args)
    {
        var control = new Option<string>("--control")
        {
            Description = "The control socket tinyinit listens on (its --control). Env: TINYINIT_CONTROL.",
            HelpName = "PATH",
            Recursive = true,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print tinyinit's answer as JSON lines, as the socket sends them, instead of a table.",
            Recursive = true,
        };
        var target = new Argument<string>("TARGET") { Description = "'main' for the main command, or a service's name." };
        var signal = new Argument<string>("SIG") { Description = "A signal: TERM, SIGTERM, 15, RTMIN+1..." };
        var ctl = new Command("ctl", "Talk to a running tinyinit through its control socket (--control).\nExit codes: 0 done, 1 refused by tinyinit, 2 tinyinit cannot be reached, 125 bad usage.")
        {
            control,
            json,
            new Command("status", "The main command and every service: pid, state, restarts, last exit, since when."),
            new Command("events", "Follow the event stream (the JSON lines of --events) until tinyinit exits."),
            new Command("signal", "Send a signal to the main command, or to a service's process group.") { target, signal },
            Service("restart", "Stop a service (SIGTERM, SIGKILL after its kill timeout) and start it again."),
            Service("stop", "Stop a service (SIGTERM, SIGKILL after its kill timeout); it stays stopped until 'start'."),
            Service("start", "Start a stopped service."),
        };
        var root = new RootCommand("tinyinit: a container init and child subreaper.") { ctl };

        ParseResult result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0)
            return Fail(result.Errors[^1].Message);
        if (result.Action is not null)
            return PrintAndExit(result);
        if (result.CommandResult.Command == ctl)
            return Fail("no command given: one of status, events, signal, restart, stop, start");

        Command command = result.CommandResult.Command;
        string[] words = [command.Name, .. command.Arguments.Select(argument => result.GetValue<string>(argument.Name) ?? "")];
        foreach (string word in words[1..])
        {
            if (word.Length == 0 || word.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                return Fail($"'{word}' is not a name or a signal: those have no blanks");
        }

        string? path = result.GetValue(control);
        if (string.IsNullOrEmpty(path))
            path = Environment.GetEnvironmentVariable("TINYINIT_CONTROL") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        return new Outcome(new CtlRequest(path, result.GetValue(json), words), 0);
    }

    private static Command Service(string name, string description) =>
        new(name, description) { new Argument<string>("NAME") { Description = "The service's name." } };

    private static Outcome PrintAndExit(ParseResult result)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        int code = result.Invoke(new InvocationConfiguration { Output = output, Error = output });
        Log.WriteAll(1, output.ToString());
        return new Outcome(null, code);
    }

    private static Outcome Fail(string message)
    {
        Log.WriteAll(2, $"tinyinit ctl: {message.TrimEnd('.')}{Hint}\n");
        return new Outcome(null, (int)CtlExitCode.Usage);
    }
}
