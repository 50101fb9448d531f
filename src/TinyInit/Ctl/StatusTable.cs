using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TinyInit.Text;

namespace TinyInit.Ctl;

/// <summary>The answer to <c>status</c> as a table, as supervisorctl status shows it.</summary>
internal static class StatusTable
{
    private static readonly string[] Headers = ["NAME", "ROLE", "PID", "STATE", "READY", "RESTARTS", "LAST EXIT", "SINCE"];

    /// <param name="rows">The answer's status lines.</param>
    public static string Render(IReadOnlyList<JsonLine> rows)
    {
        var cells = new List<string[]> { Headers };
        foreach (JsonLine row in rows)
        {
            string state = Text(row, "state");
            if (Milliseconds(row, "restart_in_ms") is long restartIn)
                state += $" (restart in {Age(restartIn)})";
            if (row.Get("waiting_for") is { } waitingFor)
                state += $" (for {EchoText.Escape(string.Join(", ", Strings(waitingFor.Text)))})";
            string ready = row.Get("ready")?.Text switch { "true" => "yes", "false" => "no", _ => "-" };
            if (row.Get("notify_status") is { IsString: true } status)
                ready += $" ({status.Shown})";
            string lastExit = (row.Get("last_signal") ?? row.Get("last_exit_code"))?.Shown ?? "-";
            string since = Milliseconds(row, "for_ms") is long age ? Age(age) + " ago" : "-";
            cells.Add([Text(row, "name"), Text(row, "role"), Text(row, "pid"), state, ready, Text(row, "restarts"), lastExit, since]);
        }

        int[] widths = new int[Headers.Length];
        foreach (string[] line in cells)
        {
            for (int i = 0; i < line.Length; i++)
                widths[i] = Math.Max(widths[i], line[i].Length);
        }

        var table = new StringBuilder();
        foreach (string[] line in cells)
        {
            for (int i = 0; i < line.Length; i++)
                table.Append(i == line.Length - 1 ? line[i] : line[i].PadRight(widths[i] + 2));
            table.Append('\n');
        }

        return table.ToString();
    }

    /// <summary>A duration the way people read it: 850ms, 12s, 3m12s, 2h05m, 3d04h.</summary>
    public static string Age(long milliseconds)
    {
        long s = milliseconds / 1000;
        return milliseconds < 1000 ? $"{milliseconds}ms"
            : s < 60 ? $"{s}s"
            : s < 3600 ? $"{s / 60}m{s % 60:00}s"
            : s < 86400 ? $"{s / 3600}h{s / 60 % 60:00}m"
            : $"{s / 86400}d{s / 3600 % 24:00}h";
    }

    private static string Text(JsonLine row, string name) => row.Get(name)?.Shown ?? "-";

    /// <summary>A duration field: null when it is missing, or not a whole number of milliseconds (a peer that is not tinyinit).</summary>
    private static long? Milliseconds(JsonLine row, string name) =>
        row.Get(name) is { IsString: false } field && long.TryParse(field.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) ? ms : null;

    /// <summary>The strings of a JSON array written as text (<c>["db","cache"]</c>); anything else in it is skipped.</summary>
    private static List<string> Strings(string array)
    {
        var strings = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(array));
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.String)
                    strings.Add(reader.GetString()!);
            }
        }
        catch (JsonException)
        {
            // A malformed array shows what was read of it.
        }

        return strings;
    }
}
