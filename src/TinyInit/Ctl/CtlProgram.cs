using System;
using System.Collections.Generic;
using TinyInit.Diagnostics;
using TinyInit.Interop;

namespace TinyInit.Ctl;

/// <summary>
/// Overview: 'tinyinit ctl', the client of the control socket, in the same binary as the init and
/// sharing none of its machinery: it parses its command line, sends one request line, and prints
/// the answer (docs/design.md, "The control socket"). Output goes through write(2), as the init's
/// does: the Console class would install signal handlers.
///
/// The answer's first line says whether tinyinit did it: if not, its error is printed and ctl exits
/// 1. Then come the status rows, or the events until the shutdown line. With --json the lines are
/// printed as they came (for an action, the first line itself); otherwise as a table or as text.
/// </summary>
internal static class CtlProgram
{
    /// <summary>
    /// Native/startup.c blocked the signals the init reads from its signalfd, in every thread. A
    /// client has no signalfd: it must stop on Ctrl-C or SIGTERM like any command, so this thread
    /// takes them back (a signal for the process goes to a thread that does not block it).
    /// </summary>
    public static void TakeBackSignals(in Sys.tinyinit_startup startup)
    {
        unsafe
        {
            Sys.sigset_t mask = Sys.sigset_t.FromBits(startup.original_mask);
            Tmds.Linux.LibC.sigprocmask(Sys.SIG_SETMASK, (Tmds.Linux.sigset_t*)&mask, null);
        }
    }

    /// <param name="request">The parsed command line of <c>tinyinit ctl</c>.</param>
    public static int Run(CtlRequest request)
    {
        if (request.SocketPath is not string path)
            return Say(CtlExitCode.Unreachable, "no control socket given: use --control PATH or set TINYINIT_CONTROL (the path tinyinit listens on)");

        using ControlClient? client = ControlClient.Connect(path, out string? error);
        if (client is null)
            return Say(CtlExitCode.Unreachable, error!);
        // A refusal comes before the request is read, and the send may then fail: the answer says why.
        bool sent = client.Send(System.Text.Encoding.UTF8.GetBytes(request.Line));
        Errno sendError = sent ? 0 : Errors.Last();
        if (!client.TryReadLine(out ReadOnlySpan<byte> first))
        {
            return Say(CtlExitCode.Unreachable, client.LineTooLong ? LineTooLong
                : sent ? "tinyinit closed the connection without an answer" : $"sending the request: {Errors.Describe(sendError)}");
        }

        if (JsonLine.Parse(first) is not JsonLine result || result.Get("ok") is not { IsString: false, Text: "true" or "false" } ok)
            return Say(CtlExitCode.Unreachable, NotTinyinit);
        if (ok.Text == "false")
            return Say(CtlExitCode.Refused, result.Get("error")?.Shown ?? "refused");

        var stdout = new StdoutBuffer();
        int code = request.Command switch
        {
            "status" => PrintStatus(client, request.Json, stdout),
            "events" => FollowEvents(client, request.Json, stdout),
            _ => PrintMessage(first, result, request.Json, stdout),
        };
        stdout.Flush();
        return code;
    }

    private static int PrintStatus(ControlClient client, bool json, StdoutBuffer stdout)
    {
        var rows = new List<JsonLine>();
        while (client.TryReadLine(out ReadOnlySpan<byte> line))
        {
            if (json)
            {
                stdout.AppendLine(line);
                continue;
            }

            if (JsonLine.Parse(line) is not JsonLine row)
                return Say(CtlExitCode.Unreachable, NotTinyinit);
            rows.Add(row);
        }

        if (!client.EndedCleanly)
            return Say(CtlExitCode.Unreachable, client.LineTooLong ? LineTooLong : "the answer was cut short: its last line has no end");
        if (!json)
            stdout.Append(StatusTable.Render(rows));
        return (int)CtlExitCode.Success;
    }

    /// <summary>Prints the events until the shutdown line; a connection lost before it is exit 2.</summary>
    private static int FollowEvents(ControlClient client, bool json, StdoutBuffer stdout)
    {
        // What has come so far is written before ctl waits for more: a reader sees each event at once.
        while ((client.HasLine || stdout.Flush()) && client.TryReadLine(out ReadOnlySpan<byte> line))
        {
            // tinyinit writes "event" first in every line (EventRecord), so no parse is needed to spot the end.
            if (json)
            {
                stdout.AppendLine(line);
            }
            else
            {
                if (JsonLine.Parse(line) is not JsonLine e)
                {
                    stdout.Flush();
                    return Say(CtlExitCode.Unreachable, NotTinyinit);
                }

                stdout.Append(EventText.Render(e));
            }

            if (line.StartsWith("{\"event\":\"shutdown\""u8))
                return (int)CtlExitCode.Success;
        }

        // A reader of stdout that has gone ends ctl quietly, as with '| head'.
        return stdout.IsBroken ? (int)CtlExitCode.Success
            : Say(CtlExitCode.Unreachable, "the connection to tinyinit was lost before its shutdown line");
    }

    private static int PrintMessage(ReadOnlySpan<byte> first, JsonLine result, bool json, StdoutBuffer stdout)
    {
        if (json)
            stdout.AppendLine(first);
        else if (result.Get("message") is { } message)
            stdout.Append(message.Shown + "\n");
        return (int)CtlExitCode.Success;
    }

    private const string NotTinyinit = "the answer is not tinyinit's: is --control the path of a tinyinit control socket?";

    private const string LineTooLong = "an answer line longer than 1 MiB: the answer is not tinyinit's";

    private static int Say(CtlExitCode code, string message)
    {
        Log.WriteAll(2, $"tinyinit ctl: {message}\n");
        return (int)code;
    }
}
